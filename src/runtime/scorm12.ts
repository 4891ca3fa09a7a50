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

/** Where the adapter keeps a copy of the learner's place until the LMS has acknowledged it. */
export interface Backup {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

// Errors that retrying cannot fix: the value itself is refused (4xx in SCORM 1.2).
const permanent = (code: string): boolean => /^4\d\d$/.test(code);

/**
 * backup/backupKey: a browser copy of lesson_location and suspend_data, marked
 * acknowledged once a commit carrying them succeeds. If the LMS never got the last
 * state (it kept refusing until the learner left), the next launch on this browser
 * by the same student resumes from the copy instead of losing the answers.
 */
export function scormStore(api: Scorm12Api, notify: Notify, backup?: Backup, backupKey = ''): Store {
  const pending = new Map<string, string>();
  let key = '';
  let place = { l: '', s: '' };
  const keep = (acked: boolean): void => {
    if (!backup || !key) return;
    try {
      backup.setItem(key, JSON.stringify({ ...place, acked }));
    } catch {
      // Storage full or blocked: the LMS copy is all there is.
    }
  };
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
      keep(true);
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
      let entry = get('cmi.core.entry');
      let location = get('cmi.core.lesson_location');
      let suspend = get('cmi.suspend_data');
      if (backup && backupKey) {
        key = `${backupKey}:${get('cmi.core.student_id')}`;
        try {
          const copy = JSON.parse(backup.getItem(key) || 'null') as { l: string; s: string; acked: boolean } | null;
          if (copy && !copy.acked && copy.s) {
            ({ l: location, s: suspend } = copy);
            entry = 'resume';
          }
        } catch {
          // A damaged copy is ignored.
        }
      }
      place = { l: location, s: suspend };
      return {
        entry,
        status: get('cmi.core.lesson_status'),
        location,
        suspend,
        comments: get('cmi.comments'),
        masteryScore: get('cmi.student_data.mastery_score'),
        interactions: nextInteraction,
      };
    },
    set(element, value) {
      pending.delete(element);
      pending.set(element, value);
      if (element === 'cmi.core.lesson_location') place.l = value;
      if (element === 'cmi.suspend_data') place.s = value;
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
      if (finished) return;
      keep(false);
      if (!scheduled) scheduled = setTimeout(flush, 0);
    },
    finish() {
      if (finished) return;
      if (scheduled) clearTimeout(scheduled);
      keep(false);
      flush();
      finished = true;
      if (initialised) call(() => api.LMSFinish(''));
    },
  };
}
