// The SCORM 1.2 API adapter: finds the LMS's API object, calls it defensively
// (LMSGetLastError after every call), queues values until a commit succeeds and
// retries with back-off when the LMS refuses, so the learner never waits or loses work.
import type { InteractionRecord } from './cmi-format.ts';
import type { Notify, Snapshot, Store } from './store.ts';

export interface Scorm12Api {
  LMSInitialize(arg: ''): string;
  LMSFinish(arg: ''): string;
  LMSGetValue(element: string): string;
  LMSSetValue(element: string, value: string): string;
  LMSCommit(arg: ''): string;
  LMSGetLastError(): string;
  LMSGetErrorString?(code: string): string;
  LMSGetDiagnostic?(code: string): string;
}

function apiIn(win: Window): Scorm12Api | null {
  // The ADL algorithm: walk up at most 7 parents; cross-origin frames throw.
  let w: Window = win;
  for (let tries = 0; ; tries++) {
    try {
      const api = (w as unknown as { API?: Scorm12Api }).API;
      if (api && typeof api.LMSInitialize === 'function') return api;
    } catch {
      // cross-origin ancestor: keep climbing
    }
    if (tries >= 7 || !w.parent || w.parent === w) return null;
    w = w.parent;
  }
}

export function findApi(win: Window): Scorm12Api | null {
  const found = apiIn(win);
  if (found) return found;
  try {
    return win.opener ? apiIn(win.opener as Window) : null;
  } catch {
    return null;
  }
}

// Errors that retrying cannot fix: the value itself is refused (4xx in SCORM 1.2).
const permanent = (code: string): boolean => /^4\d\d$/.test(code);

export function scormStore(api: Scorm12Api, notify: Notify): Store {
  const pending = new Map<string, string>();
  const queue: [string, string][] = [];
  let initialised = false;
  let finished = false;
  let scheduled: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = 2000;
  let nextInteraction = 0;

  const call = (fn: () => string): { ok: boolean; value: string; code: string } => {
    let value = '';
    let code = '0';
    try {
      value = String(fn());
      code = String(api.LMSGetLastError());
    } catch {
      code = '101';
    }
    return { ok: code === '0' || code === '', value, code };
  };

  const init = (): boolean => {
    if (!initialised) {
      const r = call(() => api.LMSInitialize(''));
      // 101 "already initialised" from some LMSs after a reload still means a session exists.
      initialised = (r.ok && r.value !== 'false') || r.value === 'true';
    }
    return initialised;
  };

  const get = (element: string): string => {
    const r = call(() => api.LMSGetValue(element));
    return r.ok ? r.value : '';
  };

  const setAll = (): boolean => {
    let ok = true;
    for (const [element, value] of [...pending, ...queue]) {
      const r = call(() => api.LMSSetValue(element, value));
      if (!r.ok && !permanent(r.code)) ok = false;
      if (!ok) break;
    }
    return ok;
  };

  const flush = (): boolean => {
    scheduled = null;
    if (finished) return true;
    let ok = init() && setAll();
    if (ok) {
      const r = call(() => api.LMSCommit(''));
      ok = r.ok && r.value !== 'false';
    }
    if (ok) {
      // Only forget values once the LMS has accepted the commit that carries them.
      pending.clear();
      queue.length = 0;
      retryDelay = 2000;
    } else {
      scheduled = setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }
    notify(!ok);
    return ok;
  };

  return {
    kind: 'lms',
    load(): Snapshot {
      if (!init()) {
        notify(true);
        return { entry: '', status: '', location: '', suspend: '', comments: '', masteryScore: '', interactions: 0 };
      }
      const count = parseInt(get('cmi.interactions._count'), 10);
      nextInteraction = count > 0 ? count : 0;
      return {
        entry: get('cmi.core.entry'),
        status: get('cmi.core.lesson_status'),
        location: get('cmi.core.lesson_location'),
        suspend: get('cmi.suspend_data'),
        comments: get('cmi.comments'),
        masteryScore: get('cmi.student_data.mastery_score'),
        interactions: nextInteraction,
      };
    },
    set(element, value) {
      pending.delete(element);
      pending.set(element, value);
    },
    interaction(rec, latency, time) {
      const p = `cmi.interactions.${nextInteraction++}.`;
      queue.push(
        [p + 'id', rec.id],
        [p + 'time', time],
        [p + 'type', rec.type],
        [p + 'weighting', rec.weighting],
        [p + 'student_response', rec.student_response],
        [p + 'correct_responses.0.pattern', rec.pattern],
        [p + 'result', rec.result],
        [p + 'latency', latency],
      );
    },
    commit() {
      if (!scheduled && !finished) scheduled = setTimeout(flush, 0);
    },
    finish() {
      if (finished) return;
      if (scheduled) clearTimeout(scheduled);
      flush();
      finished = true;
      if (initialised) call(() => api.LMSFinish(''));
    },
  };
}
