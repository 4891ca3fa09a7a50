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
//
// An LMS reached late (LMSInitialize refused at launch and accepted on a retry, or an
// API that appeared after the page started): the page started from nothing, so before
// anything is written the LMS's record is read and merged with what the learner did
// meanwhile (see adopt): visited pages are a union, answers and reflections given in
// this session win and every other one the LMS has is restored, the status is never
// lowered and the score is the best of both. Then the union is written back.
import { decodeSuspendData, encodeSuspendData, clip, type Answer, type LearnerState } from './suspend-data.ts';
import { cmiTime, decimal, interaction, timespan } from './cmi-format.ts';
import { earnedStatus, isDone, nextStatus, score } from './status.ts';
import type { ModuleData } from './module-data.ts';
import { changedOnlyByUs, mergeStates } from './merge.ts';
import type { LessonMode, Snapshot, Store } from './store.ts';

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
  /** Called after the record of an LMS reached late was merged into state: answers, reflections, visited pages and the page may have changed. */
  whenMerged(listener: () => void): void;
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

/**
 * What the LMS holds for the learner: its suspend_data and place, merged with a browser
 * copy it never acknowledged. The copy's changes win where the LMS has not changed the
 * same item since the copy was written; where both changed, the LMS wins, because the
 * learner saved it later (from another device). resume: the record belongs to this attempt.
 */
function savedState(data: ModuleData, snap: Snapshot): { state: LearnerState | null; location: string; resume: boolean } {
  if (snap.unreached) return { state: null, location: '', resume: false };
  const fromLms = snap.entry === 'ab-initio' ? null : decodeSuspendData(data.layout, snap.suspend);
  const c = snap.copy;
  const fromCopy = c ? decodeSuspendData(data.layout, c.suspend) : null;
  if (!c || !fromCopy) return { state: fromLms, location: snap.location, resume: snap.entry !== 'ab-initio' };
  if (!fromLms) return { state: fromCopy, location: c.location, resume: true };
  const base = c.base ? decodeSuspendData(data.layout, c.base.suspend) : null;
  const state = mergeStates(fromCopy, fromLms, changedOnlyByUs(base, fromCopy, fromLms));
  const lmsMoved = c.base !== undefined && c.base.location !== snap.location;
  return { state, location: lmsMoved ? snap.location : c.location, resume: true };
}

export function createTracker(moduleData: ModuleData, initialStore: Store, now: () => number = Date.now): Tracker {
  let store = initialStore;
  const started = now();
  const snap = store.load();
  let data = withMastery(moduleData, snap.masteryScore);
  let mode = snap.mode;
  let credit = snap.credit;
  const fresh: LearnerState = { view: 0, visited: [], answers: [], reflections: [] };
  const saved = savedState(data, snap);
  const restored = saved.state;
  const state = restored ?? fresh;
  // lesson_location is what an LMS shows and may be all that survives; prefer it for the page.
  const byLocation = data.views.indexOf(saved.location);
  if (byLocation >= 0) state.view = byLocation;
  let status = snap.status;
  let comments = snap.comments;
  // The best result of this attempt: a new attempt (ab-initio) starts from nothing.
  let best = saved.resume ? lmsScore(snap.score) : -1;
  // What the LMS holds (or has been sent): shown to the learner when their current answers are worth less.
  let recorded = best;
  let lastScore = '';
  let finished = false;
  // What this session did itself: it wins over an LMS record read late (see adopt).
  const answered = new Set<number>();
  const reflected = new Set<number>();
  const said: string[] = [];
  let moved = false;
  const merged: (() => void)[] = [];

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

  const record = (): void => {
    store.set('cmi.core.lesson_location', clip(data.views[state.view] ?? '', 255));
    store.set('cmi.suspend_data', encodeSuspendData(data.layout, state));
    gradeAndStatus();
    store.set('cmi.core.exit', isDone(status) ? '' : 'suspend');
  };

  const persist = (): void => {
    if (finished || mode === 'review') return;
    record();
    store.commit();
  };

  /** Append to cmi.comments within its 4096 characters; false when there is no room. */
  const appendComment = (text: string): boolean => {
    const sep = comments ? '\n' : '';
    const room = COMMENTS_MAX - comments.length - sep.length;
    if (room <= 0 || text.length === 0) return false;
    comments += sep + clip(text, room);
    return true;
  };

  /**
   * The LMS's record, read after the learner started, merged into this session's
   * state: this session's answers and reflections win, everything else the LMS has is
   * restored, visited pages are a union. The page moves to the LMS's place only if the
   * learner has not moved yet. Status and score are the LMS's, so the next write can
   * only raise them (nextStatus, best).
   */
  const adopt = (late: Snapshot): void => {
    data = withMastery(moduleData, late.masteryScore);
    mode = late.mode;
    credit = late.credit;
    const saved = savedState(data, late);
    if (saved.state) {
      const union = mergeStates(state, saved.state, (item, i) => (item === 'answer' ? answered : reflected).has(i));
      state.visited = union.visited;
      state.answers = union.answers;
      state.reflections = union.reflections;
      const v = data.views.indexOf(saved.location);
      if (!moved && v >= 0) state.view = v;
    }
    status = late.status;
    const held = saved.resume ? lmsScore(late.score) : -1;
    best = Math.max(best, held);
    recorded = held;
    lastScore = '';
    comments = late.comments;
    if (said.length && said.filter(appendComment).length) store.set('cmi.comments', comments);
    // They are in cmi.comments now: a later merge must not add them twice.
    said.length = 0;
    for (const listener of merged) {
      try {
        listener();
      } catch (e) {
        // A listener (the page) failing must not stop the merged state being written: report it apart.
        setTimeout(() => {
          throw e;
        }, 0);
      }
    }
  };

  /** The store reached its LMS late: merge, then set everything it should get (it commits next). */
  const reached = (late: Snapshot): void => {
    adopt(late);
    if (mode === 'review') return;
    record();
    if (finished) store.set('cmi.core.session_time', timespan(now() - started));
  };
  if (snap.unreached) store.whenReached?.(reached);

  const tracker: Tracker = {
    state,
    resumed: restored !== null,
    mode: () => mode,
    credit: () => credit,
    show(view) {
      if (view !== state.view) moved = true;
      state.view = view;
      if (view < data.pages.length) state.visited[view] = true;
      persist();
    },
    answer(question, answer, latencyMs) {
      const q = data.questions[question];
      if (!q) return;
      state.answers[question] = answer;
      if (mode === 'review' || finished) return;
      answered.add(question);
      store.interaction({ rec: interaction(q, answer), latency: timespan(latencyMs), time: cmiTime(new Date(now())) });
      persist();
    },
    reflect(reflection, text) {
      const r = data.reflections[reflection];
      if (!r) return false;
      state.reflections[reflection] = clip(text, r.maxLength);
      if (mode === 'review') return false;
      reflected.add(reflection);
      persist();
      return true;
    },
    comment(text) {
      if (store.kind !== 'lms' || finished) return false;
      if (!appendComment(text)) return false;
      said.push(text);
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
      // An API that also refuses LMSInitialize: hold everything until it can be read.
      if (snap.unreached) next.whenReached?.(reached);
      else adopt(snap);
      if (mode !== 'review') for (const e of carried) store.interaction(e);
      persist();
    },
    whenMerged(listener) {
      merged.push(listener);
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
