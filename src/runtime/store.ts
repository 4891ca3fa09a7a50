// Where progress goes: the SCORM 1.2 API when an LMS provides one, otherwise the
// browser's localStorage. Both sit behind one small interface so the tracker does
// not care which it has.
import type { InteractionRecord } from './cmi-format.ts';

export interface Snapshot {
  entry: string;
  status: string;
  location: string;
  suspend: string;
  comments: string;
  /** cmi.student_data.mastery_score as the LMS has it ('' when none). */
  masteryScore: string;
  /** Next free cmi.interactions index. */
  interactions: number;
}

export interface Store {
  kind: 'lms' | 'local' | 'none';
  load(): Snapshot;
  set(element: string, value: string): void;
  interaction(rec: InteractionRecord, latency: string, time: string): void;
  /** Send what is pending soon, without blocking the caller. */
  commit(): void;
  /** Send everything now and end the session; only the first call does anything. */
  finish(): void;
}

export type Notify = (problem: boolean) => void;

/** Progress kept in this browser, keyed by course id, version and module id. */
export function localStore(key: string, notify: Notify): Store {
  let values: Record<string, string> = {};
  let ok = true;
  try {
    values = JSON.parse(window.localStorage.getItem(key) || '{}') || {};
  } catch {
    ok = false;
  }
  const save = (): void => {
    try {
      window.localStorage.setItem(key, JSON.stringify(values));
      ok = true;
    } catch {
      ok = false;
    }
    notify(!ok);
  };
  return {
    kind: ok ? 'local' : 'none',
    load: () => ({
      entry: values['cmi.suspend_data'] ? 'resume' : 'ab-initio',
      status: values['cmi.core.lesson_status'] || 'not attempted',
      location: values['cmi.core.lesson_location'] || '',
      suspend: values['cmi.suspend_data'] || '',
      comments: values['cmi.comments'] || '',
      masteryScore: '',
      interactions: 0,
    }),
    set(element, value) {
      values[element] = value;
    },
    interaction() {
      // Interactions are reporting data for an LMS; a browser has no one to report to.
    },
    commit: save,
    finish: save,
  };
}
