// The one streaming pass over statements: each statement updates its attempt's
// (registration's) small aggregates and is then dropped, so memory grows with learners,
// attempts and questions, not with the statement count (apart from the 12-byte id
// fingerprint per statement that finds duplicate deliveries, see idset.ts). Every figure
// is computed from the attempts in `finish()`, so a voiding statement that arrives after
// its target only spoils that one attempt: `rebuild()` clears the spoilt attempts and a
// second read of the source refills just them (a file reader skips other lines unparsed).
import { createHmac } from 'node:crypto';
import { createIdSet } from './idset.ts';
import type { Json } from './source.ts';
import { discriminationIndex, facilityIndex, mean, median, parseDuration, quantile } from './stats.ts';
import type { AnswerCount, AttemptRow, CourseOutline, FeedbackComment, FunnelStep, LearnerRow, QuestionStats, Report, ReportCounts } from './types.ts';

const ADL = 'http://adlnet.gov/expapi/verbs/';
const V = {
  initialized: `${ADL}initialized`,
  experienced: `${ADL}experienced`,
  answered: `${ADL}answered`,
  completed: `${ADL}completed`,
  passed: `${ADL}passed`,
  failed: `${ADL}failed`,
  progressed: `${ADL}progressed`,
  commented: `${ADL}commented`,
  terminated: `${ADL}terminated`,
  voided: `${ADL}voided`,
  viewed: 'http://id.tincanapi.com/verb/viewed',
  printed: 'https://coursepack.dev/xapi/verbs/printed',
};
const RATING = 'https://coursepack.dev/xapi/extensions/rating';
const T_MODULE = 'http://adlnet.gov/expapi/activities/module';
const T_QUIZ = 'http://adlnet.gov/expapi/activities/assessment';

export interface AggregateOptions {
  /** Course IRI: statements about other activities are ignored. */
  course?: string;
  outline?: CourseOutline;
  since?: Date;
  until?: Date;
  /** Key for HMAC-SHA256 pseudonyms of learners. */
  pseudonymiseKey?: string;
  /** Statement ids known to be voided (a second pass after a late voiding statement). */
  voided?: Iterable<string>;
  now?: () => Date;
}

interface Attempt {
  learner: number;
  /** Position in attemptList (what the id set remembers per statement). */
  index: number;
  first: number;
  last: number;
  /** page index → ms on the page */
  pages: Map<number, number>;
  activeMs: number;
  /** module id → time it was completed */
  completed: Map<string, number>;
  /** module id → latest pass/fail */
  judged: Map<string, { at: number; success: boolean; score: number | null }>;
  /** question index → latest answer, and how many answers were sent */
  answers: Map<number, { at: number; score: number; max: number; response: string; n: number }>;
  comments?: FeedbackComment[];
  printed: number;
  /** glossary term id → look-ups; reflection id → responses */
  glossary?: Map<string, number>;
  reflections?: Map<string, number>;
}

interface PageInfo {
  id: string;
  module: string;
  title: string;
  order: number;
}

interface QuestionInfo {
  id: string;
  quiz: string;
  title: string;
  interactionType: string;
  correct: string[];
  labels: Map<string, string>;
  order: number;
}

const lower = (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : '');
const nameOf = (m: unknown): string => {
  if (!m || typeof m !== 'object') return '';
  const v = Object.values(m as Record<string, string>);
  return typeof v[0] === 'string' ? v[0] : '';
};

/** A stable key for an Agent from its one inverse functional identifier. */
export function actorKey(a: Json): string {
  if (!a || typeof a !== 'object') return 'unknown';
  if (a.mbox) return `mbox:${String(a.mbox).toLowerCase()}`;
  if (a.mbox_sha1sum) return `sha1:${a.mbox_sha1sum}`;
  if (a.openid) return `openid:${a.openid}`;
  if (a.account) return `account:${a.account.homePage}|${a.account.name}`;
  return 'unknown';
}

function actorLabel(a: Json): string {
  if (a?.name) return String(a.name);
  if (a?.mbox) return String(a.mbox).replace(/^mailto:/, '');
  if (a?.account) return String(a.account.name);
  return actorKey(a);
}

export interface Aggregator {
  add(statement: Json): void;
  /** Registrations (lower-case) spoilt by a voiding statement that came after its target. */
  spoilt(): string[];
  /** Clears the spoilt attempts; afterwards add() takes only their statements (read the source again). */
  rebuild(): void;
  counts(): ReportCounts;
  finish(): Report;
}

export function createAggregator(o: AggregateOptions = {}): Aggregator {
  const course = o.course?.replace(/\/$/, '');
  const sinceMs = o.since?.getTime() ?? -Infinity;
  const untilMs = o.until?.getTime() ?? Infinity;
  const seen = createIdSet();
  const voided = new Set<string>([...(o.voided ?? [])].map(lower));
  const spoilt = new Set<number>();
  let rebuilding: { seen: ReturnType<typeof createIdSet>; regs: Set<string> } | null = null;
  const counts: ReportCounts = { read: 0, used: 0, duplicates: 0, voided: 0, voiding: 0, otherCourse: 0, outsideDates: 0, ignored: 0 };

  const learnerIndex = new Map<string, number>();
  const learnerNames: string[] = [];
  const attempts = new Map<string, Attempt>();
  const attemptList: Attempt[] = [];
  const attemptKeys: string[] = [];
  const pages = new Map<string, number>();
  const pageInfo: PageInfo[] = [];
  const questions = new Map<string, number>();
  const questionInfo: QuestionInfo[] = [];
  const modulesSeen = new Map<string, string>();
  const glossaryTerms = new Map<string, string>();
  const reflectionTitles = new Map<string, string>();

  // Seed page and question order from the course folder, so the funnel is in course order.
  if (o.outline) {
    for (const m of o.outline.modules) {
      modulesSeen.set(m.id, m.title);
      const mid = `${o.outline.iri}/modules/${encodeURIComponent(m.id)}`;
      for (const p of m.pages) pageOf(`${mid}/pages/${encodeURIComponent(p.id)}`, mid, p.title);
      for (const q of m.quizzes) for (const qu of q.questions) questionOf(`${mid}/activities/${encodeURIComponent(q.id)}/questions/${encodeURIComponent(qu.id)}`, `${mid}/activities/${encodeURIComponent(q.id)}`, qu.prompt);
    }
  }

  function pageOf(id: string, module: string, title: string): number {
    let i = pages.get(id);
    if (i === undefined) {
      i = pageInfo.length;
      pages.set(id, i);
      pageInfo.push({ id, module, title: title || id, order: i });
    } else if (!pageInfo[i]!.title && title) pageInfo[i]!.title = title;
    return i;
  }

  function questionOf(id: string, quiz: string, title: string): number {
    let i = questions.get(id);
    if (i === undefined) {
      i = questionInfo.length;
      questions.set(id, i);
      questionInfo.push({ id, quiz, title: title || id, interactionType: '', correct: [], labels: new Map(), order: i });
    }
    return i;
  }

  function learnerOf(actor: Json): number {
    const key = actorKey(actor);
    let i = learnerIndex.get(key);
    if (i === undefined) {
      i = learnerNames.length;
      learnerIndex.set(key, i);
      learnerNames.push(o.pseudonymiseKey ? `learner-${createHmac('sha256', o.pseudonymiseKey).update(key).digest('hex').slice(0, 12)}` : actorLabel(actor));
    }
    return i;
  }

  const emptyAttempt = (learner: number, index: number): Attempt => ({
    learner,
    index,
    first: Infinity,
    last: -Infinity,
    pages: new Map(),
    activeMs: 0,
    completed: new Map(),
    judged: new Map(),
    answers: new Map(),
    printed: 0,
  });

  function attemptOf(reg: string, learner: number): Attempt {
    let a = attempts.get(reg);
    if (!a) {
      a = emptyAttempt(learner, attemptList.length);
      attempts.set(reg, a);
      attemptList.push(a);
      attemptKeys.push(reg);
    }
    return a;
  }

  const inCourse = (id: string) => !course || id === course || id.startsWith(`${course}/`);
  /** The module id a statement is about: the object itself, or its parent/grouping of type module. */
  function moduleOf(s: Json): string {
    if (s.object?.definition?.type === T_MODULE) return s.object.id;
    const ca = s.context?.contextActivities ?? {};
    for (const a of [...(ca.parent ?? []), ...(ca.grouping ?? [])]) if (a?.definition?.type === T_MODULE) return a.id;
    const m = /^(.*\/modules\/[^/]+)/.exec(String(s.object?.id ?? ''));
    return m ? m[1]! : '';
  }

  function add(s: Json): void {
    if (!rebuilding) counts.read++;
    if (!s || typeof s !== 'object' || !s.verb || !s.object) {
      if (!rebuilding) counts.ignored++;
      return;
    }
    const id = lower(s.id);
    if (s.verb.id === V.voided && s.object.objectType === 'StatementRef') {
      if (rebuilding) return;
      counts.voiding++;
      const target = lower(s.object.id);
      if (!voided.has(target)) {
        voided.add(target);
        const spoiltAttempt = seen.get(target);
        if (spoiltAttempt >= 0) {
          // Already counted: its attempt is rebuilt from a second read without it.
          spoilt.add(spoiltAttempt);
          counts.used--;
          counts.voided++;
        }
      }
      return;
    }
    if (id && voided.has(id)) {
      if (!rebuilding) counts.voided++;
      return;
    }
    if (s.object.objectType && s.object.objectType !== 'Activity') {
      if (!rebuilding) counts.ignored++;
      return;
    }
    if (!inCourse(String(s.object.id))) {
      if (!rebuilding) counts.otherCourse++;
      return;
    }
    const at = Date.parse(s.timestamp ?? s.stored);
    if (!Number.isFinite(at)) {
      if (!rebuilding) counts.ignored++;
      return;
    }
    if (at < sinceMs || at > untilMs) {
      if (!rebuilding) counts.outsideDates++;
      return;
    }
    const learner = learnerOf(s.actor);
    const reg = lower(s.context?.registration) || `no-registration:${learner}`;
    if (rebuilding) {
      if (!rebuilding.regs.has(reg) || (id && !rebuilding.seen.add(id))) return;
    } else {
      if (id && !seen.add(id, attemptOf(reg, learner).index)) {
        counts.duplicates++;
        return;
      }
      counts.used++;
    }
    const r = s.result ?? {};
    const verb: string = s.verb.id;
    const module = moduleOf(s);
    if (module && !modulesSeen.has(module.replace(/^.*\/modules\//, '')) && verb !== V.voided) {
      modulesSeen.set(decodeURIComponent(module.replace(/^.*\/modules\//, '')), nameOf(s.object?.definition?.type === T_MODULE ? s.object.definition.name : undefined));
    }
    const a = attemptOf(reg, learner);
    if (at < a.first) a.first = at;
    if (at > a.last) a.last = at;
    const objType = s.object.definition?.type;
    switch (verb) {
      case V.experienced: {
        const p = pageOf(s.object.id, module, nameOf(s.object.definition?.name));
        const ms = parseDuration(r.duration) ?? 0;
        // Map order is first-visit order: the funnel without a course folder ranks pages by it.
        a.pages.set(p, (a.pages.get(p) ?? 0) + ms);
        a.activeMs += ms;
        break;
      }
      case V.answered: {
        const def = s.object.definition ?? {};
        if (def.interactionType === 'long-fill-in' || !def.correctResponsesPattern) {
          if (!reflectionTitles.has(s.object.id)) reflectionTitles.set(s.object.id, nameOf(def.name) || s.object.id);
          a.reflections ??= new Map();
          a.reflections.set(s.object.id, (a.reflections.get(s.object.id) ?? 0) + 1);
          break;
        }
        const quiz = s.context?.contextActivities?.parent?.find((x: Json) => x?.definition?.type === T_QUIZ)?.id ?? s.context?.contextActivities?.parent?.[0]?.id ?? '';
        const qi = questionOf(s.object.id, quiz, nameOf(def.name));
        const q = questionInfo[qi]!;
        if (!q.interactionType) {
          q.interactionType = def.interactionType ?? '';
          q.correct = def.correctResponsesPattern ?? [];
          if (!q.quiz) q.quiz = quiz;
          if (q.title === q.id && nameOf(def.name)) q.title = nameOf(def.name);
          for (const c of [...(def.choices ?? []), ...(def.source ?? []), ...(def.target ?? [])]) q.labels.set(c.id, nameOf(c.description));
        }
        const sc = r.score;
        const max = sc && Number.isFinite(sc.max) ? sc.max - (sc.min ?? 0) : 1;
        const score = sc && Number.isFinite(sc.raw) ? sc.raw - (sc.min ?? 0) : r.success ? 1 : 0;
        const prev = a.answers.get(qi);
        const n = (prev?.n ?? 0) + 1;
        if (!prev || prev.at <= at) a.answers.set(qi, { at, score, max, response: String(r.response ?? ''), n });
        else prev.n = n;
        break;
      }
      case V.completed:
        if (objType === T_QUIZ) break;
        if (!a.completed.has(module) || a.completed.get(module)! > at) a.completed.set(module, at);
        break;
      case V.passed:
      case V.failed: {
        const prev = a.judged.get(module);
        const scaled = Number(r.score?.scaled);
        if (!prev || prev.at <= at) a.judged.set(module, { at, success: verb === V.passed, score: Number.isFinite(scaled) ? scaled * 100 : null });
        if (!a.completed.has(module)) a.completed.set(module, at);
        break;
      }
      case V.commented: {
        const rating = Number(r.extensions?.[RATING]);
        const ok = Number.isInteger(rating) && rating >= 1 && rating <= 5;
        (a.comments ??= []).push({
          at: new Date(at).toISOString(),
          learner: learnerNames[a.learner]!,
          module: modulesSeen.get(decodeURIComponent(module.replace(/^.*\/modules\//, ''))) || module,
          rating: ok ? rating : null,
          text: String(r.response ?? ''),
        });
        break;
      }
      case V.printed:
        a.printed++;
        break;
      case V.viewed: {
        if (!glossaryTerms.has(s.object.id)) glossaryTerms.set(s.object.id, nameOf(s.object.definition?.name) || s.object.id);
        a.glossary ??= new Map();
        a.glossary.set(s.object.id, (a.glossary.get(s.object.id) ?? 0) + 1);
        break;
      }
      case V.initialized:
      case V.progressed:
      case V.terminated:
        break;
      default:
        if (!rebuilding) {
          counts.ignored++;
          counts.used--;
        }
    }
  }


  function finish(): Report {
    const moduleIds = course ? [...modulesSeen.keys()].map((m) => `${course}/modules/${encodeURIComponent(m)}`) : [];
    // An attempt left with no statement (all of them voided) is no attempt.
    const all = attemptList.filter((a) => a.first !== Infinity);
    const isComplete = (a: Attempt) => {
      const need = moduleIds.length ? moduleIds : [...new Set([...a.completed.keys()])];
      return need.length > 0 && need.every((m) => a.completed.has(m));
    };
    const completedAt = (a: Attempt) => Math.max(...a.completed.values());
    const judgement = (a: Attempt): { success: boolean; score: number | null } | null => {
      if (a.judged.size === 0) return null;
      const js = [...a.judged.values()];
      const scores = js.map((j) => j.score).filter((x): x is number => x !== null);
      return { success: js.every((j) => j.success), score: mean(scores) };
    };
    const complete = all.filter(isComplete);
    const judged = all.map(judgement).filter((j) => j !== null);
    const times = complete.map((a) => a.activeMs);
    const byDay = new Map<string, { attempts: number; completions: number }>();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    for (const a of all) {
      const d = byDay.get(day(a.first)) ?? { attempts: 0, completions: 0 };
      d.attempts++;
      byDay.set(day(a.first), d);
    }
    for (const a of complete) {
      const k = day(completedAt(a));
      const d = byDay.get(k) ?? { attempts: 0, completions: 0 };
      d.completions++;
      byDay.set(k, d);
    }
    const learnerCount = new Set(all.map((a) => a.learner)).size;

    // Funnel: pages in course order (course folder), else in the order learners meet them.
    const rankSum = new Float64Array(pageInfo.length);
    const rankCount = new Float64Array(pageInfo.length);
    for (const a of all) {
      let k = 0;
      for (const p of a.pages.keys()) {
        rankSum[p] += k++;
        rankCount[p]++;
      }
    }
    const orderOf = (p: PageInfo) => {
      const i = pages.get(p.id)!;
      return o.outline ? p.order : rankCount[i] ? rankSum[i]! / rankCount[i]! : Infinity;
    };
    const moduleRank = new Map<string, number>();
    for (const p of pageInfo) if (!moduleRank.has(p.module)) moduleRank.set(p.module, moduleRank.size);
    const ordered = pageInfo.slice().sort((x, y) => moduleRank.get(x.module)! - moduleRank.get(y.module)! || orderOf(x) - orderOf(y) || x.order - y.order);
    const perLearnerPage = new Map<number, Map<number, number>>();
    for (const a of all) {
      let m = perLearnerPage.get(a.learner);
      if (!m) perLearnerPage.set(a.learner, (m = new Map()));
      for (const [p, ms] of a.pages) m.set(p, (m.get(p) ?? 0) + ms);
    }
    const pageTimes = pageInfo.map(() => [] as number[]);
    for (const m of perLearnerPage.values()) for (const [p, ms] of m) pageTimes[p]!.push(ms);
    const first = ordered.length ? pageTimes[pages.get(ordered[0]!.id)!]!.length : 0;
    const funnel: FunnelStep[] = ordered.map((p) => {
      const i = pages.get(p.id)!;
      return {
        module: p.module,
        page: p.id,
        title: p.title,
        learners: pageTimes[i]!.length,
        share: first ? pageTimes[i]!.length / first : null,
        medianTimeMs: median(pageTimes[i]!),
      };
    });

    const questionStats = questionStatsOf(all);

    const learners = new Map<number, Attempt[]>();
    for (const a of all) {
      const list = learners.get(a.learner);
      if (list) list.push(a);
      else learners.set(a.learner, [a]);
    }
    const rank = { passed: 3, completed: 2, failed: 1, 'in progress': 0 } as const;
    const learnerRows: LearnerRow[] = [...learners].map(([l, as]) => {
      let status: LearnerRow['status'] = 'in progress';
      let best: number | null = null;
      for (const a of as) {
        const j = judgement(a);
        const st: LearnerRow['status'] = j ? (j.success ? 'passed' : 'failed') : isComplete(a) ? 'completed' : 'in progress';
        if (rank[st] > rank[status]) status = st;
        if (j?.score != null && (best === null || j.score > best)) best = j.score;
      }
      return {
        learner: learnerNames[l]!,
        status,
        score: best,
        timeMs: as.reduce((t, a) => t + a.activeMs, 0),
        attempts: as.length,
        firstActivity: new Date(Math.min(...as.map((a) => a.first))).toISOString(),
        lastActivity: new Date(Math.max(...as.map((a) => a.last))).toISOString(),
      };
    });
    learnerRows.sort((x, y) => x.learner.localeCompare(y.learner));
    const attemptRows: AttemptRow[] = all
      .map((a) => {
        const j = judgement(a);
        const done = isComplete(a);
        return {
          learner: learnerNames[a.learner]!,
          registration: o.pseudonymiseKey || attemptKeys[a.index]!.startsWith('no-registration:') ? null : attemptKeys[a.index]!,
          started: new Date(a.first).toISOString(),
          lastActivity: new Date(a.last).toISOString(),
          completedAt: done ? new Date(completedAt(a)).toISOString() : null,
          status: j ? (j.success ? 'passed' : 'failed') : done ? 'completed' : 'in progress',
          score: j?.score ?? null,
          pagesReached: a.pages.size,
          questionsAnswered: a.answers.size,
          timeMs: a.activeMs,
        } satisfies AttemptRow;
      })
      .sort((x, y) => x.learner.localeCompare(y.learner) || x.started.localeCompare(y.started));
    const comments = all.flatMap((a) => a.comments ?? []).sort((x, y) => x.at.localeCompare(y.at));
    const ratings = [0, 0, 0, 0, 0];
    for (const c of comments) if (c.rating !== null) ratings[c.rating - 1]!++;
    const ratingCount = ratings.reduce((t, x) => t + x, 0);
    const sumMaps = (maps: Array<Map<string, number> | undefined>) => {
      const out = new Map<string, number>();
      for (const m of maps) if (m) for (const [k, v] of m) out.set(k, (out.get(k) ?? 0) + v);
      return out;
    };
    const glossary = sumMaps(all.map((a) => a.glossary));
    const reflections = sumMaps(all.map((a) => a.reflections));

    return {
      generatedAt: (o.now?.() ?? new Date()).toISOString(),
      course: { iri: course ?? null, title: o.outline?.title ?? null },
      filters: { since: o.since?.toISOString() ?? null, until: o.until?.toISOString() ?? null, pseudonymised: !!o.pseudonymiseKey },
      counts: { ...counts },
      overview: {
        learners: learnerCount,
        attempts: all.length,
        completedAttempts: complete.length,
        completionRate: all.length ? complete.length / all.length : null,
        passedAttempts: judged.filter((j) => j.success).length,
        judgedAttempts: judged.length,
        passRate: judged.length ? judged.filter((j) => j.success).length / judged.length : null,
        medianTimeToCompleteMs: median(times),
        p90TimeToCompleteMs: quantile(times, 0.9),
        meanScore: mean(judged.map((j) => j.score).filter((x): x is number => x !== null)),
        byDay: [...byDay].sort((x, y) => x[0].localeCompare(y[0])).map(([d, v]) => ({ day: d, ...v })),
      },
      funnel,
      questions: questionStats,
      feedback: {
        ratings: ratings.slice(),
        meanRating: ratingCount ? ratings.reduce((t, x, i) => t + x * (i + 1), 0) / ratingCount : null,
        comments,
        printed: all.reduce((t, a) => t + a.printed, 0),
        glossary: [...glossary].map(([id, views]) => ({ id, term: glossaryTerms.get(id)!, views })).sort((x, y) => y.views - x.views || x.term.localeCompare(y.term)),
        reflections: [...reflections].map(([id, responses]) => ({ id, title: reflectionTitles.get(id)!, responses })),
      },
      learners: learnerRows,
      attempts: attemptRows,
    };
  }

  /**
   * Per question, over the finished quiz attempts (attempts that answered every question of
   * the quiz seen in the data or the course folder), as Moodle's statistics use finished attempts:
   * item score = the attempt's last answer; quiz score = sum of its item scores.
   */
  function questionStatsOf(all: Attempt[]): QuestionStats[] {
    const byQuiz = new Map<string, number[]>();
    for (const q of questionInfo) {
      const list = byQuiz.get(q.quiz);
      if (list) list.push(questions.get(q.id)!);
      else byQuiz.set(q.quiz, [questions.get(q.id)!]);
    }
    const out: QuestionStats[] = [];
    for (const [, qs] of byQuiz) {
      const finished = all.filter((a) => qs.every((qi) => a.answers.has(qi)));
      const totals = finished.map((a) => qs.reduce((t, qi) => t + a.answers.get(qi)!.score, 0));
      for (const qi of qs) {
        const q = questionInfo[qi]!;
        const items = finished.map((a) => a.answers.get(qi)!.score);
        const max = finished.length ? Math.max(...finished.map((a) => a.answers.get(qi)!.max)) : 1;
        const facility = facilityIndex(items, max);
        const discrimination = discriminationIndex(items, totals);
        out.push({
          id: q.id,
          quiz: q.quiz,
          title: q.title,
          interactionType: q.interactionType,
          attempts: finished.length,
          answers: all.reduce((t, a) => t + (a.answers.get(qi)?.n ?? 0), 0),
          maxScore: max,
          facility,
          discrimination,
          correctResponses: q.correct,
          responses: responsesOf(q, all.map((a) => a.answers.get(qi)?.response).filter((x): x is string => x !== undefined)),
          flags: flagsOf(facility, discrimination),
        });
      }
    }
    return out;
  }

  return {
    add,
    spoilt: () => [...spoilt].map((i) => attemptKeys[i]!),
    rebuild() {
      for (const i of spoilt) Object.assign(attemptList[i]!, emptyAttempt(attemptList[i]!.learner, i));
      rebuilding = { seen: createIdSet(), regs: new Set([...spoilt].map((i) => attemptKeys[i]!)) };
    },
    counts: () => ({ ...counts }),
    finish,
  };
}

/**
 * Flags from the bands in Moodle's quiz statistics documentation: facility ≥ 90 is
 * very easy, ≤ 20 difficult; a discrimination index below 20 is weak and below 0 means
 * weaker learners did better on the item than stronger ones.
 */
export function flagsOf(facility: number | null, discrimination: number | null): string[] {
  const f: string[] = [];
  if (facility !== null && facility >= 90) f.push('too easy');
  if (facility !== null && facility <= 20) f.push('too hard');
  if (discrimination !== null && discrimination < 0) f.push('negative discrimination');
  else if (discrimination !== null && discrimination < 20) f.push('poor discrimination');
  return f;
}

const MAX_DISTINCT = 30;

/** Answer frequencies: per choice for choice questions (a response may tick several), else per whole response. */
function responsesOf(q: QuestionInfo, responses: string[]): AnswerCount[] {
  const correctParts = new Set(q.correct.flatMap((c) => c.replace(/^\{case_matters=(true|false)\}/, '').split('[,]')));
  const counts = new Map<string, number>();
  if (q.interactionType === 'choice') {
    for (const id of q.labels.keys()) counts.set(id, 0);
    for (const r of responses) for (const part of r ? r.split('[,]') : []) counts.set(part, (counts.get(part) ?? 0) + 1);
    return [...counts].map(([response, count]) => ({ response, label: q.labels.get(response) || response, count, correct: correctParts.has(response) }));
  }
  const caseMatters = q.correct.some((c) => c.startsWith('{case_matters=true}'));
  const norm = (s: string) => (q.interactionType === 'fill-in' && !caseMatters ? s.toLowerCase() : s);
  const correctWhole = new Set(q.correct.map((c) => norm(c.replace(/^\{case_matters=(true|false)\}/, ''))));
  for (const r of responses) counts.set(norm(r), (counts.get(norm(r)) ?? 0) + 1);
  const sorted = [...counts].sort((x, y) => y[1] - x[1]);
  const shown = sorted.slice(0, MAX_DISTINCT).map(([response, count]) => ({ response, label: response, count, correct: correctWhole.has(response) }));
  const rest = sorted.slice(MAX_DISTINCT).reduce((t, [, c]) => t + c, 0);
  if (rest) shown.push({ response: '', label: `(${sorted.length - MAX_DISTINCT} other answers)`, count: rest, correct: false });
  return shown;
}
