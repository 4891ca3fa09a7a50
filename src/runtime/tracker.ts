// The learner's progress and what it is worth: visited pages, answers and
// reflections, turned into SCORM 1.2 values (location, suspend_data, status, score,
// exit, session time, interactions) and handed to whichever Store is in use.
//
// cmi.core.lesson_mode and cmi.core.credit, matched to what Moodle does with them
// (mod/scorm/datamodels/scorm_12.js: browse and review launch with credit
// 'no-credit', normal with 'credit'):
// - review: the attempt is over and the learner looks back. Nothing of the record is
//   written (no status, score, interactions, suspend_data, location, exit or session
//   time); the answers in suspend_data are shown, and anything the learner does is
//   kept in the page only. LMSInitialize and LMSFinish are still called, as SCORM
//   requires. A comment sent from the comments view still goes to cmi.comments: it is
//   a message to the course team, not part of the learner's result.
// - browse: a look without challenging for a grade (RTE 3.4.4). Place, visited pages,
//   answers (suspend_data) and interactions are kept so the learner can carry on;
//   score and passed/failed are never written and an existing status is left as it
//   is. An untouched status ('not attempted') is set to 'browsed' by the SCO itself,
//   because Moodle's LMSFinish turns a status still 'not attempted' into 'completed'
//   before its own 'browsed' rule can apply.
// - credit 'no-credit' in normal mode (Moodle never sends it; other LMSs do for
//   instructor previews or attempts beyond the limit): the SCO reports exactly as in
//   a credit launch. The RTE leaves what no-credit means for the record to the LMS
//   ("this will affect how the data is saved by the LMS"), so the SCO reports
//   truthfully and lets the LMS decide; the learner is told the result does not count.
//
// The score is written once it decides passed/failed (every scored question answered
// and the required pages seen), then only ever raised: it is the best result of the
// attempt. Moodle's LMSFinish
// (with "mastery score overrides status", on by default) sets passed/failed from
// cmi.core.score.raw against the mastery score, so a learner who passed and then
// changed a right answer to a wrong one would be turned to 'failed' by a lower score.
import { decodeSuspendData, encodeSuspendData, clip, type Answer, type LearnerState } from './suspend-data.ts';
import { cmiTime, decimal, interaction, timespan } from './cmi-format.ts';
import { earnedStatus, isDone, nextStatus, score } from './status.ts';
import type { ModuleData } from './module-data.ts';
import type { LessonMode, Store } from './store.ts';

export interface Tracker {
  state: LearnerState;
  resumed: boolean;
  /** The launch's cmi.core.lesson_mode ('normal' without an LMS). */
  mode(): LessonMode;
  /** The launch's cmi.core.credit ('credit' without an LMS). */
  credit(): 'credit' | 'no-credit';
  show(view: number): void;
  answer(question: number, answer: Answer, latencyMs: number): void;
  /** Keep a reflection; false when it is not saved (review mode). */
  reflect(reflection: number, text: string): boolean;
  /** Append a learner comment to cmi.comments; false when it cannot be kept. */
  comment(text: string): boolean;
  status(): string;
  /** The score (0–100) an LMS has been given for this attempt, its best so far; null when none. */
  recordedScore(): number | null;
  /** Commit now and then so the LMS session stays alive during long pages. */
  ping(): void;
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

/** A score.raw the LMS holds, or -1 when it holds none we can use. */
function lmsScore(raw: string): number {
  const n = /^\d{1,3}(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  return n >= 0 && n <= 100 ? n : -1;
}

export function createTracker(moduleData: ModuleData, initialStore: Store, now: () => number = Date.now): Tracker {
  let store = initialStore;
  const started = now();
  const snap = store.load();
  let data = withMastery(moduleData, snap.masteryScore);
  let mode = snap.mode;
  let credit = snap.credit;
  const fresh: LearnerState = { view: 0, visited: [], answers: [], reflections: [] };
  const restored = snap.entry === 'ab-initio' ? null : decodeSuspendData(data.layout, snap.suspend);
  const state = restored ?? fresh;
  // lesson_location is what an LMS shows and may be all that survives; prefer it for the page.
  const byLocation = data.views.indexOf(snap.location);
  if (byLocation >= 0) state.view = byLocation;
  let status = snap.status;
  let comments = snap.comments;
  // The best result of this attempt: a new attempt (ab-initio) starts from nothing.
  let best = snap.entry === 'ab-initio' ? -1 : lmsScore(snap.score);
  // What the LMS holds (or has been sent): shown to the learner when their current answers are worth less.
  let recorded = best;
  let lastScore = '';
  let finished = false;

  const gradeAndStatus = (): void => {
    if (mode === 'browse') {
      if (status === '' || status === 'not attempted') {
        status = 'browsed';
        store.set('cmi.core.lesson_status', status);
      }
      return;
    }
    const s = score(data, state);
    const scored = s !== null && state.answers.some((a, i) => a !== undefined && data.questions[i]?.scored);
    if (scored) best = Math.max(best, s.raw);
    const next = nextStatus(status, earnedStatus(data, state, Math.max(best, 0)));
    if (next) {
      status = next;
      store.set('cmi.core.lesson_status', next);
    }
    // With a pass mark the score is written only once it decides passed/failed: Moodle's
    // LMSFinish would otherwise judge a half-done quiz against the mastery score and
    // store 'failed' for a learner who simply left part-way.
    const decides = data.passMark === null || status === 'passed' || status === 'failed';
    if (scored && decides) {
      const raw = decimal(best);
      if (raw !== lastScore) {
        lastScore = raw;
        recorded = best;
        store.set('cmi.core.score.raw', raw);
        store.set('cmi.core.score.min', '0');
        store.set('cmi.core.score.max', '100');
      }
    }
  };

  const persist = (): void => {
    if (finished || mode === 'review') return;
    store.set('cmi.core.lesson_location', clip(data.views[state.view] ?? '', 255));
    store.set('cmi.suspend_data', encodeSuspendData(data.layout, state));
    gradeAndStatus();
    store.set('cmi.core.exit', isDone(status) ? '' : 'suspend');
    store.commit();
  };

  const tracker: Tracker = {
    state,
    resumed: restored !== null,
    mode: () => mode,
    credit: () => credit,
    show(view) {
      state.view = view;
      if (view < data.pages.length) state.visited[view] = true;
      persist();
    },
    answer(question, answer, latencyMs) {
      const q = data.questions[question];
      if (!q) return;
      state.answers[question] = answer;
      if (mode === 'review' || finished) return;
      store.interaction({ rec: interaction(q, answer), latency: timespan(latencyMs), time: cmiTime(new Date(now())) });
      persist();
    },
    reflect(reflection, text) {
      const r = data.reflections[reflection];
      if (!r) return false;
      state.reflections[reflection] = clip(text, r.maxLength);
      if (mode === 'review') return false;
      persist();
      return true;
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
    ping: () => {
      if (!finished) store.commit();
    },
    recordedScore: () => (store.kind === 'lms' && mode !== 'browse' && recorded >= 0 ? recorded : null),
    attach(next) {
      if (finished) return;
      // Answer events the old store could not send, with their own latency and time.
      const carried = store.unsent();
      const snap = next.load();
      store = next;
      data = withMastery(moduleData, snap.masteryScore);
      mode = snap.mode;
      credit = snap.credit;
      status = snap.status;
      comments = snap.comments;
      best = Math.max(best, lmsScore(snap.score));
      recorded = lmsScore(snap.score);
      lastScore = '';
      if (mode !== 'review') for (const e of carried) store.interaction(e);
      persist();
    },
    finish() {
      if (finished) return;
      if (mode !== 'review') {
        persist();
        store.set('cmi.core.session_time', timespan(now() - started));
      }
      finished = true;
      store.finish();
    },
  };
  return tracker;
}
