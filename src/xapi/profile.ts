// The coursepack xAPI profile: verbs, activity types, extensions, question definitions
// and one builder per learner event, each returning a complete xAPI 1.0.3 statement
// (id assigned here, timestamp, result, context). Builders take plain data so the SCORM
// runtime, the xAPI bundle and the cmi5 AU all send the same statements; the rules are
// written down in docs/xapi-profile.md and checked by schemas/statement.schema.json.
// Browser-safe: no Node imports (only type imports).
import type { Actor, Extensions, Statement as XapiStatement } from '@xapi/xapi';
import type { Answer } from '../runtime/suspend-data.ts';
import { CoursepackError, problem } from '../errors.ts';
import * as ids from './ids.ts';

// ---------------------------------------------------------------------------------
// Vocabulary

const ADL = 'http://adlnet.gov/expapi/verbs/';

/**
 * Verbs. ADL vocabulary wherever it has the word. `viewed` (glossary look-ups) is the
 * Tin Can registry verb reporting tools already know; the registry and the ADL list
 * have no verb for printing, so `printed` is minted under coursepack's own namespace
 * (https://coursepack.dev/xapi/, the same as its schemas) and never changes.
 */
export const VERBS = {
  initialized: { id: `${ADL}initialized`, display: 'initialized' },
  experienced: { id: `${ADL}experienced`, display: 'experienced' },
  answered: { id: `${ADL}answered`, display: 'answered' },
  completed: { id: `${ADL}completed`, display: 'completed' },
  passed: { id: `${ADL}passed`, display: 'passed' },
  failed: { id: `${ADL}failed`, display: 'failed' },
  progressed: { id: `${ADL}progressed`, display: 'progressed' },
  commented: { id: `${ADL}commented`, display: 'commented' },
  terminated: { id: `${ADL}terminated`, display: 'terminated' },
  viewed: { id: 'http://id.tincanapi.com/verb/viewed', display: 'viewed' },
  printed: { id: 'https://coursepack.dev/xapi/verbs/printed', display: 'printed' },
} as const;
export type VerbName = keyof typeof VERBS;

export const ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  module: 'http://adlnet.gov/expapi/activities/module',
  page: 'http://activitystrea.ms/schema/1.0/page',
  quiz: 'http://adlnet.gov/expapi/activities/assessment',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  glossaryTerm: 'https://coursepack.dev/xapi/activity-types/glossary-term',
  printView: 'https://coursepack.dev/xapi/activity-types/print-view',
  feedbackForm: 'https://coursepack.dev/xapi/activity-types/feedback-form',
} as const;

export const EXTENSIONS = {
  /** cmi5's progress extension, an integer 0–100. */
  progress: 'https://w3id.org/xapi/cmi5/result/extensions/progress',
  /** The learner's 1–5 rating on the feedback form. */
  rating: 'https://coursepack.dev/xapi/extensions/rating',
} as const;

// ---------------------------------------------------------------------------------
// Statement shape (what the builders produce; narrower than all of xAPI)

export type LanguageMap = Record<string, string>;

export interface InteractionComponent {
  id: string;
  description: LanguageMap;
}

export type InteractionType = 'choice' | 'true-false' | 'fill-in' | 'long-fill-in' | 'matching';

export interface ActivityDefinition {
  type: string;
  name?: LanguageMap;
  description?: LanguageMap;
  interactionType?: InteractionType;
  correctResponsesPattern?: string[];
  choices?: InteractionComponent[];
  source?: InteractionComponent[];
  target?: InteractionComponent[];
}

export interface Activity {
  objectType: 'Activity';
  id: string;
  definition: ActivityDefinition;
}

export interface Score {
  scaled: number;
  raw: number;
  min: number;
  max: number;
}

export interface Result {
  response?: string;
  success?: boolean;
  completion?: boolean;
  score?: Score;
  duration?: string;
  extensions?: Extensions;
}

export interface ContextActivities {
  parent?: Activity[];
  grouping?: Activity[];
  category?: Activity[];
  other?: Activity[];
}

export interface Context {
  registration: string;
  contextActivities: ContextActivities;
  revision: string;
  platform: string;
  language: string;
  extensions?: Extensions;
}

export interface Statement {
  id: string;
  actor: Actor;
  verb: { id: string; display: LanguageMap };
  object: Activity;
  result?: Result;
  context: Context;
  timestamp: string;
}

/** Compile-time check: every profile statement is an @xapi/xapi Statement (sendable with its client). */
export type AsXapiStatement<T extends XapiStatement = Statement> = T;

// ---------------------------------------------------------------------------------
// Inputs

export interface CourseInfo {
  /** Base IRI, no trailing slash (Course.iri). */
  iri: string;
  title: string;
  version: string;
  /** BCP 47 tag; also the key of every language map. */
  language: string;
}

export interface ModuleInfo {
  id: string;
  title: string;
  description?: string;
}

/** Everything that is the same for all statements of one launch. */
export interface Session {
  actor: Actor;
  /** UUID of the attempt (from the LMS launch, or generated once and kept for the SCORM side channel). */
  registration: string;
  course: CourseInfo;
  module: ModuleInfo;
  /** e.g. "coursepack 0.1.0 (scorm12)". */
  platform: string;
  /** Merged into every statement's context (cmi5's LaunchData contextTemplate: session id, category). */
  contextTemplate?: { contextActivities?: ContextActivities; extensions?: Extensions };
  /** Clock and id source, injectable for tests. */
  now?: () => Date;
  uuid?: () => string;
}

export interface Choice {
  id: string;
  text: string;
}

interface QuestionBase {
  /** Authored question id. */
  id: string;
  /** Authored quiz id. */
  quiz: string;
  prompt: string;
  /** Relative weight in the quiz score; 0 for an unscored quiz. */
  weighting: number;
}

/** A question with authored choice ids; answers (as in suspend data) index these arrays. */
export type QuestionInput =
  | (QuestionBase & { type: 'single-choice'; choices: Choice[]; correct: number })
  | (QuestionBase & { type: 'multiple-response'; choices: Choice[]; correct: number[] })
  | (QuestionBase & { type: 'true-false'; correct: boolean })
  | (QuestionBase & { type: 'fill-in'; answers: string[]; caseSensitive: boolean })
  | (QuestionBase & { type: 'matching'; pairs: { source: Choice; target: Choice }[] });

export interface ReflectionInput {
  id: string;
  title: string;
  prompt: string;
}

export interface ScoreInput {
  raw: number;
  max: number;
  /** Default 0. */
  min?: number;
}

// ---------------------------------------------------------------------------------
// Formats

/** ISO 8601 duration from milliseconds, rounded to 0.01 s: PT1H2M3.45S, PT0S. */
export function duration(ms: number): string {
  const cs = Math.max(0, Math.round((Number.isFinite(ms) ? ms : 0) / 10));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const rest = cs % 6000;
  const s = rest % 100 === 0 ? String(rest / 100) : (rest / 100).toFixed(2).replace(/0$/, '');
  let out = 'PT';
  if (h) out += `${h}H`;
  if (m) out += `${m}M`;
  if (rest || (!h && !m)) out += `${s}S`;
  return out;
}

/** A complete score object; scaled = (raw − min) / (max − min). Throws on an impossible score. */
export function score(input: ScoreInput): Score {
  const min = input.min ?? 0;
  const { raw, max } = input;
  if (![raw, min, max].every(Number.isFinite) || max <= min || raw < min || raw > max) {
    throw new CoursepackError(
      problem('XAPI_SCORE', `score raw ${raw} must lie within min ${min} and max ${max} (max > min)`, {
        hint: 'compute raw from the weightings of the answered questions and max from all of them',
      }),
    );
  }
  return { scaled: (raw - min) / (max - min), raw, min, max };
}

const pct = (n: number) => Math.max(0, Math.min(100, Math.round(n)));

/**
 * Whether a score reaches a pass mark in percent. The percentage is rounded to 2 decimals
 * first, exactly as the SCORM runtime rounds cmi.core.score.raw, so both say the same
 * (and 4/7 against 57 is not failed by floating-point noise).
 */
export function meetsPassMark(sc: Score, passMark: number): boolean {
  return Math.round(sc.scaled * 10000) / 100 >= passMark;
}

/** Statement ids: UUID v4 from getRandomValues (randomUUID is missing on plain-http pages). */
export function uuid(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const tidy = (s: string): string => s.trim().replace(/\s+/g, ' ');
const sortNum = (a: number[]) => a.slice().sort((x, y) => x - y);

// ---------------------------------------------------------------------------------
// Activities

const lang = (s: Session, text: string): LanguageMap => ({ [s.course.language]: text });

function activity(id: string, definition: ActivityDefinition): Activity {
  return { objectType: 'Activity', id, definition };
}

export function courseActivity(s: Session): Activity {
  return activity(ids.courseId(s.course.iri), { type: ACTIVITY_TYPES.course, name: lang(s, s.course.title) });
}

export function moduleActivity(s: Session): Activity {
  const d: ActivityDefinition = { type: ACTIVITY_TYPES.module, name: lang(s, s.module.title) };
  if (s.module.description) d.description = lang(s, s.module.description);
  return activity(ids.moduleId(s.course.iri, s.module.id), d);
}

export function quizActivity(s: Session, quiz: { id: string; title: string }): Activity {
  return activity(ids.activityId(s.course.iri, s.module.id, quiz.id), { type: ACTIVITY_TYPES.quiz, name: lang(s, quiz.title) });
}

/** The interaction definition of a question: interactionType, correctResponsesPattern, components. */
export function questionActivity(s: Session, q: QuestionInput): Activity {
  const component = (c: Choice): InteractionComponent => ({ id: c.id, description: lang(s, c.text) });
  const base = { type: ACTIVITY_TYPES.interaction, name: lang(s, q.prompt), description: lang(s, q.prompt) };
  let d: ActivityDefinition;
  switch (q.type) {
    case 'single-choice':
      d = { ...base, interactionType: 'choice', correctResponsesPattern: [q.choices[q.correct]!.id], choices: q.choices.map(component) };
      break;
    case 'multiple-response':
      d = {
        ...base,
        interactionType: 'choice',
        correctResponsesPattern: [sortNum(q.correct).map((i) => q.choices[i]!.id).join('[,]')],
        choices: q.choices.map(component),
      };
      break;
    case 'true-false':
      d = { ...base, interactionType: 'true-false', correctResponsesPattern: [String(q.correct)] };
      break;
    case 'fill-in':
      // Each accepted answer is one pattern; case_matters defaults to false in xAPI.
      d = { ...base, interactionType: 'fill-in', correctResponsesPattern: q.answers.map((a) => (q.caseSensitive ? `{case_matters=true}${a}` : a)) };
      break;
    case 'matching':
      d = {
        ...base,
        interactionType: 'matching',
        correctResponsesPattern: [q.pairs.map((p) => `${p.source.id}[.]${p.target.id}`).join('[,]')],
        source: q.pairs.map((p) => component(p.source)),
        target: q.pairs.map((p) => component(p.target)),
      };
      break;
  }
  return activity(ids.questionId(s.course.iri, s.module.id, q.quiz, q.id), d);
}

export function reflectionActivity(s: Session, r: ReflectionInput): Activity {
  return activity(ids.activityId(s.course.iri, s.module.id, r.id), {
    type: ACTIVITY_TYPES.interaction,
    name: lang(s, r.title),
    description: lang(s, r.prompt),
    interactionType: 'long-fill-in',
  });
}

// ---------------------------------------------------------------------------------
// Responses and judging (answers are index-based, as in the runtime's suspend data)

/** The learner's answer in xAPI response format (`a[,]b`, `source[.]target`, `true`). */
export function response(q: QuestionInput, a: Answer): string {
  switch (q.type) {
    case 'single-choice':
      return q.choices[a as number]!.id;
    case 'multiple-response':
      return sortNum(a as number[]).map((i) => q.choices[i]!.id).join('[,]');
    case 'true-false':
      return String(a === true);
    case 'fill-in':
      return tidy(String(a));
    case 'matching':
      return (a as (number | null)[])
        .flatMap((t, i) => (t === null || t === undefined ? [] : [`${q.pairs[i]!.source.id}[.]${q.pairs[t]!.target.id}`]))
        .join('[,]');
  }
}

export function isCorrect(q: QuestionInput, a: Answer): boolean {
  switch (q.type) {
    case 'single-choice':
      return a === q.correct;
    case 'multiple-response':
      return sortNum(a as number[]).join() === sortNum(q.correct).join();
    case 'true-false':
      return a === q.correct;
    case 'fill-in': {
      const norm = (x: string) => (q.caseSensitive ? tidy(x) : tidy(x).toLowerCase());
      return q.answers.some((ok) => norm(ok) === norm(String(a)));
    }
    case 'matching': {
      const got = a as (number | null)[];
      return got.length === q.pairs.length && got.every((t, i) => t === i);
    }
  }
}

// ---------------------------------------------------------------------------------
// Statements

interface BuildParts {
  object: Activity;
  parent: Activity[];
  grouping: Activity[];
  result?: Result;
}

function statement(s: Session, verb: VerbName, p: BuildParts): Statement {
  const v = VERBS[verb];
  const t = s.contextTemplate;
  const ca: ContextActivities = { parent: p.parent };
  if (p.grouping.length) ca.grouping = p.grouping;
  for (const k of ['parent', 'grouping', 'category', 'other'] as const) {
    const extra = t?.contextActivities?.[k];
    if (extra?.length) ca[k] = [...(ca[k] ?? []), ...extra.filter((a) => !(ca[k] ?? []).some((b) => b.id === a.id))];
  }
  const context: Context = {
    registration: s.registration,
    contextActivities: ca,
    revision: s.course.version,
    platform: s.platform,
    language: s.course.language,
  };
  if (t?.extensions && Object.keys(t.extensions).length) context.extensions = { ...t.extensions };
  const st: Statement = {
    id: (s.uuid ?? uuid)(),
    actor: s.actor,
    verb: { id: v.id, display: { en: v.display } },
    object: p.object,
    context,
    timestamp: (s.now?.() ?? new Date()).toISOString(),
  };
  if (p.result && Object.keys(p.result).length) st.result = p.result;
  return st;
}

const timed = (r: Result, ms?: number): Result => (ms === undefined ? r : { ...r, duration: duration(ms) });
const progress = (n: number): Extensions => ({ [EXTENSIONS.progress]: pct(n) });

/** Activities in context carry id, type and name, not descriptions: every byte counts against the 64 KiB keepalive budget. */
const ref = (a: Activity): Activity => activity(a.id, { type: a.definition.type, name: a.definition.name! });

/** Module-level statements hang under the course; everything inside a module under the module. */
const underCourse = (s: Session) => ({ parent: [ref(courseActivity(s))], grouping: [] });
const underModule = (s: Session) => ({ parent: [ref(moduleActivity(s))], grouping: [ref(courseActivity(s))] });

/** First statement of a launch: the learner started (or resumed) the module. */
export function initialized(s: Session): Statement {
  return statement(s, 'initialized', { object: moduleActivity(s), ...underCourse(s) });
}

/** A page was shown; durationMs is the time spent on it. */
export function experiencedPage(s: Session, page: { id: string; title: string }, o: { durationMs?: number } = {}): Statement {
  const object = activity(ids.pageId(s.course.iri, s.module.id, page.id), { type: ACTIVITY_TYPES.page, name: lang(s, page.title) });
  return statement(s, 'experienced', { object, ...underModule(s), result: timed({}, o.durationMs) });
}

/** A question was checked. The score is the question's weighting when right, 0 when wrong (omitted for weight 0). */
export function answeredQuestion(
  s: Session,
  quiz: { id: string; title: string },
  q: QuestionInput,
  a: Answer,
  o: { durationMs?: number } = {},
): Statement {
  const success = isCorrect(q, a);
  const result: Result = { response: response(q, a), success, completion: true };
  if (q.weighting > 0) result.score = score({ raw: success ? q.weighting : 0, max: q.weighting });
  return statement(s, 'answered', {
    object: questionActivity(s, q),
    parent: [ref(quizActivity(s, quiz))],
    grouping: [ref(moduleActivity(s)), ref(courseActivity(s))],
    result: timed(result, o.durationMs),
  });
}

/** A reflection was saved: long-fill-in, no right answer, so no success or score. */
export function answeredReflection(s: Session, r: ReflectionInput, text: string, o: { durationMs?: number } = {}): Statement {
  return statement(s, 'answered', {
    object: reflectionActivity(s, r),
    ...underModule(s),
    result: timed({ response: text.trim(), completion: true }, o.durationMs),
  });
}

/** Every question of a quiz is answered: the quiz's score (success only when a pass mark applies). */
export function completedQuiz(s: Session, quiz: { id: string; title: string }, sc: ScoreInput, o: { passMark?: number; durationMs?: number } = {}): Statement {
  const sco = score(sc);
  const result: Result = { completion: true, score: sco };
  if (o.passMark !== undefined) result.success = meetsPassMark(sco, o.passMark);
  return statement(s, 'completed', { object: quizActivity(s, quiz), ...underModule(s), result: timed(result, o.durationMs) });
}

/** The module's completion rule is met (all pages / all required pages). */
export function completedModule(s: Session, o: { durationMs?: number } = {}): Statement {
  return statement(s, 'completed', {
    object: moduleActivity(s),
    ...underCourse(s),
    result: timed({ completion: true, extensions: progress(100) }, o.durationMs),
  });
}

/** passed or failed against the pass mark (percent), whichever the score gives. */
export function judgedModule(s: Session, sc: ScoreInput, passMark: number, o: { durationMs?: number } = {}): Statement {
  const sco = score(sc);
  const success = meetsPassMark(sco, passMark);
  return statement(s, success ? 'passed' : 'failed', {
    object: moduleActivity(s),
    ...underCourse(s),
    result: timed({ success, score: sco }, o.durationMs),
  });
}

/** Progress through the module in percent (pages viewed / pages counted by the completion rule). */
export function progressed(s: Session, percent: number, o: { durationMs?: number } = {}): Statement {
  return statement(s, 'progressed', {
    object: moduleActivity(s),
    ...underCourse(s),
    result: timed({ completion: false, extensions: progress(percent) }, o.durationMs),
  });
}

/** Last statement of a launch; durationMs is the whole session. */
export function terminated(s: Session, o: { durationMs?: number; progress?: number } = {}): Statement {
  const r: Result = o.progress === undefined ? {} : { extensions: progress(o.progress) };
  return statement(s, 'terminated', { object: moduleActivity(s), ...underCourse(s), result: timed(r, o.durationMs) });
}

/** The module feedback form: the comment as the response, the optional rating (1–5) as an extension. */
export function commented(s: Session, f: { comment: string; rating?: number }): Statement {
  const object = activity(ids.feedbackId(s.course.iri, s.module.id), {
    type: ACTIVITY_TYPES.feedbackForm,
    name: lang(s, `Feedback on ${s.module.title}`),
  });
  const result: Result = { response: f.comment.trim() };
  if (f.rating !== undefined) result.extensions = { [EXTENSIONS.rating]: Math.max(1, Math.min(5, Math.round(f.rating))) };
  return statement(s, 'commented', { object, ...underModule(s), result });
}

/** A glossary term was opened. */
export function viewedGlossaryTerm(s: Session, t: { id: string; term: string; definition?: string }): Statement {
  const d: ActivityDefinition = { type: ACTIVITY_TYPES.glossaryTerm, name: lang(s, t.term) };
  if (t.definition) d.description = lang(s, t.definition);
  return statement(s, 'viewed', { object: activity(ids.glossaryTermId(s.course.iri, s.module.id, t.id), d), ...underModule(s) });
}

/** The print view was printed (beforeprint / the print button). */
export function printed(s: Session): Statement {
  const object = activity(ids.printViewId(s.course.iri, s.module.id), {
    type: ACTIVITY_TYPES.printView,
    name: lang(s, `${s.module.title} (print view)`),
  });
  return statement(s, 'printed', { object, ...underModule(s) });
}
