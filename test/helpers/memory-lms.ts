// An in-memory SCORM 1.2 LMS and browser store for the runtime unit tests (tracker,
// late LMSInitialize, feedback), and reads over the values an LMS holds: written once so
// every test runs the runtime against the same stand-ins (wrap the LMS in strictLms to check calls).
import type { Scorm12Like } from './strict-scorm12.ts';

/** A tiny LMS: stores values, answers reads, returns errors like a real one. */
export function memoryLms(initial: Record<string, string> = {}): Scorm12Like & { values: Record<string, string> } {
  const values: Record<string, string> = { 'cmi.core.lesson_status': 'not attempted', 'cmi.core.entry': 'ab-initio', ...initial };
  let last = '0';
  return {
    values,
    LMSInitialize: () => ((last = '0'), 'true'),
    LMSFinish: () => ((last = '0'), 'true'),
    LMSGetValue: (e) => {
      last = e === 'cmi.interactions._count' || e in values || /^cmi\.(suspend_data|comments|core\.lesson_location)$/.test(e) ? '0' : '401';
      if (e === 'cmi.interactions._count') return String(interactionIds(values).length);
      return values[e] ?? '';
    },
    LMSSetValue: (e, v) => ((values[e] = v), (last = '0'), 'true'),
    LMSCommit: () => ((last = '0'), 'true'),
    LMSGetLastError: () => last,
    LMSGetErrorString: () => '',
    LMSGetDiagnostic: () => '',
  };
}

/** A browser store (localStorage stand-in) whose writes can be frozen, as when storage is blocked or the page dies mid-way. */
export function shelf(): { items: Map<string, string>; frozen: boolean; getItem(k: string): string | null; setItem(k: string, v: string): void } {
  const items = new Map<string, string>();
  const s = {
    items,
    frozen: false,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (!s.frozen) items.set(k, v);
    },
  };
  return s;
}

/** The interaction ids in LMS values (or committed values), in index order. */
export function interactionIds(values: Record<string, string>): string[] {
  return Object.keys(values)
    .filter((k) => /^cmi\.interactions\.\d+\.id$/.test(k))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    .map((k) => values[k]!);
}

/** The elements a strict LMS was asked to set, in call order. */
export const setCalls = (lms: { calls: string[][] }): string[] => lms.calls.filter((c) => c[0] === 'LMSSetValue').map((c) => c[1]!);
