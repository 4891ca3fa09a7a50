// The learner's progress and what it is worth: visited pages, answers and
// reflections, turned into SCORM 1.2 values (location, suspend_data, status, score,
// exit, session time, interactions) and handed to whichever Store is in use.
import { decodeSuspendData, encodeSuspendData, clip, type Answer, type LearnerState } from './suspend-data.ts';
import { cmiTime, decimal, interaction, timespan } from './cmi-format.ts';
import { earnedStatus, isDone, nextStatus, score } from './status.ts';
import type { ModuleData } from './module-data.ts';
import type { Store } from './store.ts';

export interface Tracker {
  state: LearnerState;
  resumed: boolean;
  show(view: number): void;
  answer(question: number, answer: Answer, latencyMs: number): void;
  reflect(reflection: number, text: string): void;
  /** Append a learner comment to cmi.comments; false when it cannot be kept. */
  comment(text: string): boolean;
  status(): string;
  /** Move to a store found later (an LMS API that appeared after launch) and send it everything. */
  attach(store: Store): void;
  finish(): void;
}

const COMMENTS_MAX = 4096;

/** The LMS's mastery score (from adlcp:masteryscore, possibly changed by an administrator) wins over the built-in pass mark. */
function withMastery(data: ModuleData, mastery: string): ModuleData {
  const m = /^\d{1,3}(\.\d+)?$/.test(mastery) ? Number(mastery) : NaN;
  return data.passMark !== null && m >= 0 && m <= 100 ? { ...data, passMark: m } : data;
}

export function createTracker(moduleData: ModuleData, initialStore: Store, now: () => number = Date.now): Tracker {
  let store = initialStore;
  const started = now();
  const snap = store.load();
  let data = withMastery(moduleData, snap.masteryScore);
  const fresh: LearnerState = { view: 0, visited: [], answers: [], reflections: [] };
  const restored = snap.entry === 'ab-initio' ? null : decodeSuspendData(data.layout, snap.suspend);
  const state = restored ?? fresh;
  // lesson_location is what an LMS shows and may be all that survives; prefer it for the page.
  const byLocation = data.views.indexOf(snap.location);
  if (byLocation >= 0) state.view = byLocation;
  let status = snap.status;
  let comments = snap.comments;
  let lastScore = '';
  let finished = false;

  const persist = (): void => {
    if (finished) return;
    store.set('cmi.core.lesson_location', clip(data.views[state.view] ?? '', 255));
    store.set('cmi.suspend_data', encodeSuspendData(data.layout, state));
    const next = nextStatus(status, earnedStatus(data, state));
    if (next) {
      status = next;
      store.set('cmi.core.lesson_status', next);
    }
    const s = score(data, state);
    if (s && state.answers.some((a, i) => a !== undefined && data.questions[i]?.scored)) {
      const raw = decimal(s.raw);
      if (raw !== lastScore) {
        lastScore = raw;
        store.set('cmi.core.score.raw', raw);
        store.set('cmi.core.score.min', '0');
        store.set('cmi.core.score.max', '100');
      }
    }
    store.set('cmi.core.exit', isDone(status) ? '' : 'suspend');
    store.commit();
  };

  const tracker: Tracker = {
    state,
    resumed: restored !== null,
    show(view) {
      state.view = view;
      if (view < data.pages.length) state.visited[view] = true;
      persist();
    },
    answer(question, answer, latencyMs) {
      const q = data.questions[question];
      if (!q) return;
      state.answers[question] = answer;
      store.interaction(interaction(q, answer), timespan(latencyMs), cmiTime(new Date(now())));
      persist();
    },
    reflect(reflection, text) {
      const r = data.reflections[reflection];
      if (!r) return;
      state.reflections[reflection] = clip(text, r.maxLength);
      persist();
    },
    comment(text) {
      if (store.kind !== 'lms' || finished) return false;
      const sep = comments ? '\n' : '';
      const room = COMMENTS_MAX - comments.length - sep.length;
      if (room <= 0 || text.length === 0) return false;
      comments += sep + clip(text, room);
      store.set('cmi.comments', comments);
      store.commit();
      return true;
    },
    status: () => status,
    attach(next) {
      if (finished) return;
      const snap = next.load();
      store = next;
      data = withMastery(moduleData, snap.masteryScore);
      status = snap.status;
      comments = snap.comments;
      lastScore = '';
      // Answers given before the LMS was reachable still become interactions.
      state.answers.forEach((a, i) => {
        const q = data.questions[i];
        if (a !== undefined && q) store.interaction(interaction(q, a), timespan(0), cmiTime(new Date(now())));
      });
      persist();
    },
    finish() {
      if (finished) return;
      persist();
      store.set('cmi.core.session_time', timespan(now() - started));
      finished = true;
      store.finish();
    },
  };
  return tracker;
}
