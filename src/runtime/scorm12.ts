// The SCORM 1.2 API adapter: finds the LMS's API object, calls it defensively
// (LMSGetLastError after every call), queues values until a commit succeeds and
// retries with back-off when the LMS refuses, so the learner never waits or loses work.
// An LMSInitialize refused at launch is retried with the commits; the first time it
// succeeds the adapter reads the LMS before writing anything (see whenReached).
import { lessonMode, type BrowserCopy, type InteractionEvent, type Notify, type Snapshot, type Store } from './store.ts';

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

/** An interaction waiting for a commit, with the cmi.interactions index it was given. */
interface Queued extends InteractionEvent {
  n: number;
}

/** The browser copy: place, suspend_data, the interactions no commit has carried yet, and b: the place the LMS was known to hold. */
interface Copy {
  l: string;
  s: string;
  acked: boolean;
  i?: Queued[];
  b?: { l: string; s: string };
}

function interactionValues(q: Queued): [string, string][] {
  const p = `cmi.interactions.${q.n}.`;
  const out: [string, string][] = [[p + 'id', q.rec.id]];
  if (q.time) out.push([p + 'time', q.time]);
  out.push(
    [p + 'type', q.rec.type],
    [p + 'weighting', q.rec.weighting],
    [p + 'student_response', q.rec.student_response],
    [p + 'correct_responses.0.pattern', q.rec.pattern],
    [p + 'result', q.rec.result],
  );
  if (q.latency) out.push([p + 'latency', q.latency]);
  return out;
}

/**
 * backup/backupKey: a browser copy of lesson_location, suspend_data and the
 * interactions not yet committed, marked acknowledged once a commit carrying them
 * succeeds. If the LMS never got the last state (it kept refusing until the learner
 * left), the next launch on this browser by the same student resumes from the copy
 * instead of losing the answers, and sends the answer events the LMS is missing.
 *
 * Which events the LMS is missing: interactions are append-only and their ids are
 * write-only in SCORM 1.2, but cmi.interactions._count is readable. Every queued event
 * keeps the index it was written at, and indexes only grow through this SCO's own
 * commits, so an event whose index is below the LMS's _count was committed (a commit
 * that reached the LMS although its answer, or the acknowledgement of the copy, was
 * lost); the rest are sent again, numbered from _count. That reasoning fails when the
 * learner saved from another device since (the LMS holds neither the copy's state nor
 * the state the copy started from): that device's interactions took the indexes, so
 * every event in the copy is sent, a rare duplicate being better than a lost answer.
 *
 * The copy is not simply preferred to the LMS: the learner may have saved newer work
 * from another device since. It goes to the tracker (Snapshot.copy) with the place the
 * LMS held when it was written (b), so the tracker can merge the two item by item.
 *
 * In review mode the copy is neither used nor written: review shows what the LMS has.
 *
 * LMSInitialize refused at launch (or an API that errors): load() returns an unreached
 * snapshot and values set meanwhile are only held. Each commit retries LMSInitialize;
 * once it succeeds the adapter reads the LMS, drops the held values and hands the
 * snapshot to the whenReached listener (the tracker), which merges it with what the
 * learner did meanwhile and sets the merged values, and only then writes and commits.
 */
export function scormStore(api: Scorm12Api, notify: Notify, backup?: Backup, backupKey = ''): Store {
  const pending = new Map<string, string>();
  let key = '';
  let place = { l: '', s: '' };
  // What the LMS holds: what it gave at launch, then what each successful commit carried.
  let lmsPlace = { l: '', s: '' };
  const queue: Queued[] = [];
  // Nothing is copied to the browser until the SCO has something of its own to keep.
  let touched = false;
  const keep = (acked: boolean): void => {
    if (!backup || !key || !touched) return;
    try {
      const copy: Copy = { ...place, acked, i: acked ? [] : queue.slice(), b: acked ? { ...place } : lmsPlace };
      backup.setItem(key, JSON.stringify(copy));
    } catch {
      // Storage full or blocked: the LMS copy is all there is.
    }
  };
  let initialised = false;
  let finished = false;
  let scheduled: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = 2000;
  let nextInteraction = 0;
  let unreached = false;
  let onReached: ((snap: Snapshot) => void) | null = null;

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

  /** What the LMS holds for this learner, with the browser copy it never acknowledged. */
  const read = (): Snapshot => {
    const mode = lessonMode(get('cmi.core.lesson_mode'));
    const count = parseInt(get('cmi.interactions._count'), 10);
    nextInteraction = count > 0 ? count : 0;
    const entry = get('cmi.core.entry');
    const location = get('cmi.core.lesson_location');
    const suspend = get('cmi.suspend_data');
    let copy: BrowserCopy | undefined;
    if (backup && backupKey && mode !== 'review') {
      key = `${backupKey}:${get('cmi.core.student_id')}`;
      try {
        const c = JSON.parse(backup.getItem(key) || 'null') as Copy | null;
        if (c && !c.acked && c.s) {
          copy = { location: c.l, suspend: c.s, base: c.b ? { location: c.b.l, suspend: c.b.s } : undefined };
          // Another device saved since (the LMS holds neither this copy nor its base): its
          // interactions took the indexes, so the count says nothing about ours; send them all.
          const elsewhere = c.b !== undefined && suspend !== c.s && suspend !== c.b.s;
          const from = elsewhere ? 0 : nextInteraction;
          const missing = (c.i ?? []).filter((q) => q && q.rec && q.n >= from).sort((a, b) => a.n - b.n);
          for (const q of missing) queue.push({ ...q, n: nextInteraction++ });
          if (queue.length) touched = true;
        }
      } catch {
        // A damaged copy is ignored.
      }
    }
    lmsPlace = { l: location, s: suspend };
    place = copy ? { l: copy.location, s: copy.suspend } : { ...lmsPlace };
    return {
      entry,
      status: get('cmi.core.lesson_status'),
      location,
      suspend,
      comments: get('cmi.comments'),
      masteryScore: get('cmi.student_data.mastery_score'),
      score: get('cmi.core.score.raw'),
      mode,
      credit: get('cmi.core.credit') === 'no-credit' ? 'no-credit' : 'credit',
      interactions: nextInteraction,
      copy,
    };
  };

  /** Initialised, and on the first success after a refused launch, read the LMS and let the tracker merge before anything is written. */
  const reach = (): boolean => {
    if (initialised) return true;
    if (!init()) return false;
    if (unreached) {
      unreached = false;
      // Answers given meanwhile were numbered from 0: renumber them after those the LMS has.
      const held = queue.splice(0);
      const snap = read();
      for (const q of held) queue.push({ ...q, n: nextInteraction++ });
      // Held values were computed without the LMS's record: the listener sets the merged ones.
      pending.clear();
      if (snap.mode === 'review') queue.length = 0;
      onReached?.({ ...snap, interactions: nextInteraction });
    }
    return true;
  };

  const setAll = (): boolean => {
    let ok = true;
    const values = [...pending];
    for (const q of queue) values.push(...interactionValues(q));
    for (const [element, value] of values) {
      const r = call(() => api.LMSSetValue(element, value));
      if (!r.ok && !permanent(r.code)) ok = false;
      if (!ok) break;
    }
    return ok;
  };

  const flush = (): boolean => {
    scheduled = null;
    if (finished) return true;
    let ok = reach() && setAll();
    if (ok) {
      const r = call(() => api.LMSCommit(''));
      ok = r.ok && r.value !== 'false';
    }
    if (ok) {
      // Only forget values once the LMS has accepted the commit that carries them.
      pending.clear();
      queue.length = 0;
      retryDelay = 2000;
      lmsPlace = { ...place };
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
        unreached = true;
        notify(true);
        return { entry: '', status: '', location: '', suspend: '', comments: '', masteryScore: '', score: '', mode: 'normal', credit: 'credit', interactions: 0, unreached: true };
      }
      return read();
    },
    whenReached(listener) {
      onReached = listener;
    },
    set(element, value) {
      touched = true;
      pending.delete(element);
      pending.set(element, value);
      if (element === 'cmi.core.lesson_location') place.l = value;
      if (element === 'cmi.suspend_data') place.s = value;
    },
    interaction(event) {
      touched = true;
      queue.push({ ...event, n: nextInteraction++ });
    },
    unsent: () => queue.map(({ rec, latency, time }) => ({ rec, latency, time })),
    commit() {
      if (finished) return;
      keep(false);
      if (!scheduled) scheduled = setTimeout(flush, 0);
    },
    finish() {
      if (finished) return;
      if (scheduled) clearTimeout(scheduled);
      // Nothing to send (review mode, or all committed): LMSFinish alone ends the session.
      if (pending.size || queue.length) {
        keep(false);
        flush();
      }
      finished = true;
      if (initialised) call(() => api.LMSFinish(''));
    },
  };
}
