// Tracker events → the coursepack xAPI profile statements (src/xapi/profile.ts), for the
// xapi (Tin Can) and cmi5 targets. It wraps the tracker the UI drives, so the UI and the
// SCORM runtime stay as they are: pages experienced (with the time on them), questions
// and reflections answered, quizzes completed, progress, the module completed and
// passed/failed, glossary look-ups, printing, and initialized first / terminated last.
//
// cmi5 rules (cmi5 §9) applied on top of the profile for a cmi5 launch:
// - "cmi5 defined" statements (initialized, completed, passed, failed, terminated) have the
//   launch's activityId as object id (8.1.5.0-6) and the cmi5 category (9.6.2.1-1); those
//   with result.success or result.completion also the moveOn category (9.6.2.2-1/-2).
// - completed, passed and failed at most once per registration (9.3.3.0-2, 9.3.4.0-3); what
//   was sent is kept with the progress (LRS State), so a relaunch does not send it again.
//   A failed learner may still pass later; nothing follows passed.
// - passed/failed are judged against the LaunchData masteryScore when there is one
//   (10.2.4.0-2) and carry it in the masteryscore context extension (9.6.3.2-2).
// - Browse and Review launches send no completed/passed/failed (10.2.2.0-9/-11); Review
//   records no answers either (the tracker keeps nothing in review).
// - nothing is sent after terminated (9.3.8.0-2).
// The contextTemplate (session id, publisher id) is merged into every statement by the
// profile's Session.contextTemplate (10.2.1.0-6).
import * as P from '../xapi/profile.ts';
import type { ModuleData } from './module-data.ts';
import type { Tracker } from './tracker.ts';
import type { XapiStore } from './xapi-store.ts';
import { completionMet, score } from './status.ts';

export const CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
export const MOVEON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
export const MASTERY_EXT = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
const SENT_KEY = 'coursepack.xapi.sent';

export interface Cmi5Rules {
  activityId: string;
  /** 0..1 from LMS.LaunchData. */
  masteryScore?: number;
}

export interface ReporterOptions {
  data: ModuleData;
  tracker: Tracker;
  store: XapiStore;
  enqueue: (statement: P.Statement) => void;
  session: P.Session;
  cmi5?: Cmi5Rules;
  /** The feedback form as the learner filled it in (read when the UI hands the comment over). */
  feedbackForm?: () => { comment: string; rating?: number };
  now?: () => number;
}

export interface Reporter {
  /** The tracker to hand to the UI: the same one, reporting as it goes. */
  tracker: Tracker;
  /** A glossary term (its DOM id, term-<id>) was opened. */
  glossary(domId: string): void;
  printed(): void;
  /** Sends initialized: call once, before the UI starts. */
  start(): void;
}

interface Sent {
  c?: 1;
  p?: 1;
  f?: 1;
  /** Quizzes whose completed statement was sent. */
  q: string[];
}

export function createReporter(o: ReporterOptions): Reporter {
  const t = o.tracker;
  const x = o.data.xapi!;
  const s = o.session;
  const now = o.now ?? Date.now;
  const started = now();
  const passMark = o.cmi5?.masteryScore !== undefined ? Math.round(o.cmi5.masteryScore * 10000) / 100 : x.passMark;
  const data: ModuleData = { ...o.data, passMark };
  let sent: Sent = { q: [] };
  try {
    sent = { q: [], ...JSON.parse(o.store.get(SENT_KEY) || '{}') };
  } catch {
    // unreadable: start afresh
  }
  let finished = false;
  let current = -1;
  let shownAt = started;
  let lastPrint = -Infinity;

  const mode = () => t.mode();
  const counted = () => data.pages.map((p, i) => ({ p, i })).filter(({ p }) => data.completion === 'all-pages' || p.required);
  const progress = (): number => {
    const c = counted();
    return c.length === 0 ? 100 : Math.round((c.filter(({ i }) => t.state.visited[i]).length / c.length) * 100);
  };
  let lastProgress = progress();

  const remember = (): void => {
    o.store.set(SENT_KEY, JSON.stringify(sent));
    o.store.commit();
  };

  const send = (st: P.Statement, cmi5Defined = false): void => {
    if (finished) return;
    if (o.cmi5 && cmi5Defined) {
      st.object = { ...st.object, id: o.cmi5.activityId };
      const ca = st.context.contextActivities;
      const cat = (ca.category ?? []).slice();
      const add = (id: string) => {
        if (!cat.some((a) => a.id === id)) cat.push({ objectType: 'Activity', id } as P.Activity);
      };
      add(CMI5_CATEGORY);
      if (st.result && ('success' in st.result || 'completion' in st.result)) add(MOVEON_CATEGORY);
      ca.category = cat;
      const verb = st.verb.id;
      if ((verb === P.VERBS.passed.id || verb === P.VERBS.failed.id) && o.cmi5.masteryScore !== undefined) {
        st.context.extensions = { ...(st.context.extensions ?? {}), [MASTERY_EXT]: o.cmi5.masteryScore };
      }
    }
    o.enqueue(st);
  };

  const leavePage = (): void => {
    const page = x.pages[current];
    if (current >= 0 && page) send(P.experiencedPage(s, page, { durationMs: now() - shownAt }));
  };

  const outcome = (): void => {
    if (finished || mode() !== 'normal') return;
    const done = completionMet(data, t.state);
    if (done && !sent.c) {
      send(P.completedModule(s, { durationMs: now() - started }), true);
      sent.c = 1;
      remember();
    }
    if (passMark === null || sent.p || !done) return;
    const sc = score(data, t.state);
    if (!sc || !sc.allAnswered) return;
    const input = { raw: sc.raw, max: 100 };
    const pass = P.meetsPassMark(P.score(input), passMark);
    if (pass || !sent.f) {
      send(P.judgedModule(s, input, passMark, { durationMs: now() - started }), true);
      if (pass) sent.p = 1;
      else sent.f = 1;
      remember();
    }
  };

  const afterChange = (): void => {
    if (finished || mode() === 'review') return;
    const p = progress();
    if (p > lastProgress && p < 100) send(P.progressed(s, p));
    lastProgress = Math.max(lastProgress, p);
    outcome();
  };

  const quizDone = (quizId: string): void => {
    const quiz = x.quizzes.find((q) => q.id === quizId);
    if (!quiz || !quiz.scored || mode() !== 'normal' || sent.q.includes(quizId)) return;
    let raw = 0;
    let max = 0;
    for (let i = 0; i < x.questions.length; i++) {
      const q = x.questions[i]!;
      if (q.quiz !== quizId) continue;
      const a = t.state.answers[i];
      if (a === undefined) return;
      max += q.weighting;
      if (P.isCorrect(q, a)) raw += q.weighting;
    }
    if (max <= 0) return;
    const opts = passMark === null ? { durationMs: now() - started } : { passMark, durationMs: now() - started };
    send(P.completedQuiz(s, quiz, { raw, max }, opts));
    sent.q.push(quizId);
    remember();
  };

  const tracker: Tracker = {
    ...t,
    show(view) {
      if (view !== current) {
        leavePage();
        current = view;
        shownAt = now();
      }
      t.show(view);
      afterChange();
    },
    answer(i, a, latencyMs) {
      t.answer(i, a, latencyMs);
      const q = x.questions[i];
      const quiz = q && x.quizzes.find((z) => z.id === q.quiz);
      if (!q || !quiz || finished || mode() === 'review') return;
      send(P.answeredQuestion(s, quiz, q, a, { durationMs: latencyMs }));
      quizDone(q.quiz);
      afterChange();
    },
    // feedback.ts hands the comment here when the author sends comments as statements (feedback.xapi):
    // a commented statement with the rating as its extension, read from the form itself.
    comment(text) {
      if (finished) return false;
      const form = o.feedbackForm?.();
      const comment = (form ? form.comment : text).trim();
      const rating = form?.rating;
      if (!comment && rating === undefined) return false;
      send(P.commented(s, rating === undefined ? { comment } : { comment, rating }));
      return true;
    },
    reflect(i, text) {
      const kept = t.reflect(i, text);
      const r = x.reflections[i];
      if (kept && r && text.trim()) send(P.answeredReflection(s, r, text));
      return kept;
    },
    finish() {
      if (finished) return;
      leavePage();
      t.finish();
      send(P.terminated(s, { durationMs: now() - started, progress: progress() }), true);
      finished = true;
    },
  };
  // The spread copied the getters' values; keep the live ones.
  Object.defineProperty(tracker, 'state', { get: () => t.state });

  return {
    tracker,
    start() {
      send(P.initialized(s), true);
    },
    glossary(domId) {
      const g = x.glossary.find((e) => e.id === domId);
      if (g) send(P.viewedGlossaryTerm(s, { id: domId.replace(/^term-/, ''), term: g.term }));
    },
    printed() {
      // The print button and the browser's beforeprint can both fire for one print.
      if (now() - lastPrint < 2000) return;
      lastPrint = now();
      send(P.printed(s));
    },
  };
}
