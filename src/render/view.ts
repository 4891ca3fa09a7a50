// Course + Module → the plain view model the templates render and the ModuleData
// the runtime reads. Everything the learner sees is prepared here so the templates
// stay logic-free; author text is either escaped by Handlebars or rendered by
// markdown-it with raw HTML disabled.
import type { Activity, Course, Module, Question, Quiz } from '../course/types.ts';
import type { ModuleData, QuestionData } from '../runtime/module-data.ts';
import { fillKeep, fingerprint, type QuestionLayout, type SuspendLayout } from '../runtime/suspend-data.ts';
import { renderInline, renderMarkdown, type MarkdownEnv } from './markdown.ts';
import { xapiModuleData } from './xapi-data.ts';

export const GLOSSARY_VIEW = 'cp-glossary';
export const READING_VIEW = 'cp-reading';
export const FEEDBACK_VIEW = 'cp-feedback';
const COMMENT_MAX = 1000;

/** FNV-1a, for deterministic orders and ids that must not depend on randomness. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const domId = (...parts: string[]): string => parts.join('-').replace(/[^A-Za-z0-9_-]/g, '_');

/** Activities in the order a learner meets them: placed on pages, then any left unplaced. */
export function orderedActivities(module: Module): { page: number; activity: Activity }[] {
  const byId = new Map(module.activities.map((a) => [a.id, a]));
  const out: { page: number; activity: Activity }[] = [];
  const seen = new Set<string>();
  module.pages.forEach((p, i) => {
    for (const id of p.activities) {
      const a = byId.get(id);
      if (a && !seen.has(id)) {
        seen.add(id);
        out.push({ page: i, activity: a });
      }
    }
  });
  for (const a of module.activities) if (!seen.has(a.id)) out.push({ page: module.pages.length - 1, activity: a });
  return out;
}

function questions(module: Module): { quiz: Quiz; q: Question }[] {
  return orderedActivities(module).flatMap(({ activity }) =>
    activity.kind === 'quiz' ? activity.questions.map((q) => ({ quiz: activity, q })) : [],
  );
}

function reflections(module: Module) {
  return orderedActivities(module).flatMap(({ activity }) => (activity.kind === 'reflection' ? [activity] : []));
}

function hasGlossary(m: Module): boolean {
  return m.glossary.length > 0;
}

export type Target = 'scorm12' | 'web' | 'xapi' | 'cmi5';

/** Comments can go somewhere: an address for email, cmi.comments, a commented statement or a webhook. */
function hasFeedback(course: Course, target: Target): boolean {
  return !!course.feedback.email || commentForm(course, target);
}

/** The in-page comment form: shown when some destination other than email takes the comment (docs/feedback.md). */
function commentForm(course: Course, target: Target): boolean {
  return commentsToLms(course, target) || xapiComments(course, target) || !!course.feedback.webhook;
}

/** feedback.xapi: a commented statement, where the package has an LRS (xapi/cmi5 launch, or the scorm12 side channel). */
function xapiComments(course: Course, target: Target): boolean {
  return !!course.feedback.xapi && (target === 'xapi' || target === 'cmi5' || (target === 'scorm12' && !!course.lrs));
}

/** The scorm12 side channel's settings for the page; the credentials are in the package by the author's choice (docs/feedback.md). */
function sideChannel(course: Course, target: Target): ModuleData['sideChannel'] | undefined {
  const l = course.lrs;
  if (!l || target !== 'scorm12') return undefined;
  return {
    endpoint: l.endpoint,
    auth: 'Basic ' + Buffer.from(`${l.key}:${l.secret}`, 'utf8').toString('base64'),
    homePage: l.homePage ?? new URL(l.endpoint).origin,
  };
}

/** The author's `scormComments`: cmi.comments, which only SCORM has (xapi/cmi5 comments follow feedback.xapi). */
function commentsToLms(course: Course, target: Target): boolean {
  return course.feedback.scormComments && target === 'scorm12';
}

export function viewIds(course: Course, module: Module, target: Target): string[] {
  return [
    ...module.pages.map((p) => domId('page', p.id)),
    ...(hasGlossary(module) ? [GLOSSARY_VIEW] : []),
    ...(module.furtherReading.length > 0 ? [READING_VIEW] : []),
    ...(hasFeedback(course, target) ? [FEEDBACK_VIEW] : []),
  ];
}

function questionLayout(q: Question): QuestionLayout {
  switch (q.type) {
    case 'single-choice':
      return { t: 'single', n: q.choices.length };
    case 'multiple-response':
      return { t: 'multi', n: q.choices.length };
    case 'true-false':
      return { t: 'tf' };
    case 'fill-in':
      return { t: 'fill', keep: fillKeep(q.maxLength, q.answers), answers: q.answers, cs: q.caseSensitive };
    case 'matching':
      return { t: 'match', n: q.pairs.length };
  }
}

export function suspendLayout(course: Course, module: Module, target: Target): SuspendLayout {
  const views = viewIds(course, module, target);
  const qs = questions(module).map(({ q }) => questionLayout(q));
  const refl = reflections(module).map((r) => r.maxLength);
  const description = JSON.stringify([views, questions(module).map(({ quiz, q }) => quiz.id + '/' + q.id), qs, refl]);
  return { views: views.length, pages: module.pages.length, questions: qs, reflections: refl, fp: fingerprint(description) };
}

function questionData(quiz: Quiz, q: Question): QuestionData {
  const base = { iid: `${quiz.id}.${q.id}`, dom: domId('q', quiz.id, q.id), quiz: quiz.id, scored: quiz.scored, weighting: q.weighting };
  switch (q.type) {
    case 'single-choice':
      return { ...base, type: q.type, choices: q.choices.map((c) => c.id), correct: q.choices.findIndex((c) => c.id === q.correct) };
    case 'multiple-response':
      return {
        ...base,
        type: q.type,
        choices: q.choices.map((c) => c.id),
        correct: q.choices.flatMap((c, i) => (q.correct.includes(c.id) ? [i] : [])),
      };
    case 'true-false':
      return { ...base, type: q.type, correct: q.correct };
    case 'fill-in':
      return { ...base, type: q.type, answers: q.answers, caseSensitive: q.caseSensitive, maxLength: q.maxLength };
    case 'matching':
      return { ...base, type: q.type, pairs: q.pairs.length };
  }
}

export function mailSubject(course: Course, module: Module): string {
  return `${course.feedback.subject ?? course.title}: ${module.title}`;
}

export function moduleData(course: Course, module: Module, target: Target): ModuleData {
  const qs = questions(module);
  const scored = qs.some(({ quiz }) => quiz.scored);
  const passMark = scored && course.passMark !== undefined ? course.passMark : null;
  return {
    target,
    courseId: course.id,
    courseVersion: course.version,
    moduleId: module.id,
    moduleTitle: module.title,
    completion: course.completion,
    passMark: scored && course.passMark !== undefined ? course.passMark : null,
    views: viewIds(course, module, target),
    pages: module.pages.map((p) => ({ id: p.id, required: p.required })),
    questions: qs.map(({ quiz, q }) => questionData(quiz, q)),
    reflections: reflections(module).map((r) => ({ dom: domId('r', r.id), maxLength: r.maxLength })),
    feedback: {
      email: course.feedback.email ?? null,
      subject: mailSubject(course, module),
      rating: course.feedback.rating,
      scormComments: course.feedback.scormComments && target === 'scorm12',
      xapi: xapiComments(course, target),
      webhook: course.feedback.webhook ?? null,
      maxLength: COMMENT_MAX,
    },
    layout: suspendLayout(course, module, target),
    ...(target === 'xapi' || target === 'cmi5' || (target === 'scorm12' && course.lrs)
      ? { xapi: xapiModuleData(course, module, target as 'xapi' | 'cmi5' | 'scorm12', qs, reflections(module), passMark) }
      : {}),
    ...(sideChannel(course, target) ? { sideChannel: sideChannel(course, target) } : {}),
  };
}

/** JSON safe inside <script>: no "</script>", no line separators that break old parsers. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function questionView(quiz: Quiz, q: Question, env: MarkdownEnv) {
  const dom = domId('q', quiz.id, q.id);
  const common = {
    dom,
    prompt: renderInline(q.prompt, env),
    correct: renderMarkdown(q.feedback.correct, env),
    incorrect: renderMarkdown(q.feedback.incorrect, env),
  };
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return {
        ...common,
        choice: true,
        inputType: q.type === 'single-choice' ? 'radio' : 'checkbox',
        // Authors often say it in the prompt already.
        hint: q.type === 'multiple-response' && !/all that apply/i.test(q.prompt) ? 'Select all that apply.' : '',
        options: q.choices.map((c, i) => ({ value: String(i), html: renderInline(c.text, env), text: c.text })),
      };
    case 'true-false':
      return {
        ...common,
        choice: true,
        inputType: 'radio',
        options: [
          { value: 't', html: 'True', text: 'True' },
          { value: 'f', html: 'False', text: 'False' },
        ],
      };
    case 'fill-in':
      return { ...common, fill: true, maxLength: q.maxLength };
    case 'matching': {
      // Targets are listed in a stable shuffled order so their position gives nothing away.
      const targets = q.pairs
        .map((p, i) => ({ value: String(i), text: p.target.text, key: hash(`${quiz.id}/${q.id}/${p.target.id}`) }))
        .sort((a, b) => a.key - b.key || Number(a.value) - Number(b.value));
      return {
        ...common,
        matching: true,
        sources: q.pairs.map((p) => ({ html: renderInline(p.source.text, env), text: p.source.text })),
        targets,
      };
    }
  }
}

function activityView(a: Activity, env: MarkdownEnv) {
  if (a.kind === 'reflection') {
    return {
      reflection: true,
      dom: domId('r', a.id),
      title: a.title,
      prompt: renderMarkdown(a.prompt, env),
      guidance: a.guidance ? renderMarkdown(a.guidance, env) : '',
      maxLength: a.maxLength,
    };
  }
  return {
    quiz: true,
    id: a.id,
    dom: domId('quiz', a.id),
    title: a.title,
    scored: a.scored,
    questions: a.questions.map((q, i) => ({ ...questionView(a, q, env), number: a.questions.length > 1 ? `to question ${i + 1} of ${a.questions.length}` : '' })),
  };
}

/** Titles that read the same to a learner: case, spacing and a trailing full stop aside. */
function sameTitle(a: string, b: string): boolean {
  const norm = (t: string): string => t.normalize('NFC').trim().replace(/\s+/g, ' ').replace(/[.:]$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export function pageView(course: Course, module: Module, target: Target) {
  const env: MarkdownEnv = { glossary: new Map(module.glossary.map((g) => [g.id, g])) };
  const placed = orderedActivities(module);
  const views = viewIds(course, module, target);
  const pages = module.pages.map((p, i) => ({
    index: i,
    dom: views[i],
    title: p.title,
    optional: !p.required && course.completion === 'all-required-pages',
    html: renderMarkdown(p.markdown, { ...env, topHeading: 3 }),
    activities: placed.filter((x) => x.page === i).map((x) => activityView(x.activity, env)),
  }));
  const extras = [
    hasGlossary(module) && { dom: GLOSSARY_VIEW, title: 'Glossary' },
    module.furtherReading.length > 0 && { dom: READING_VIEW, title: 'Further reading' },
    hasFeedback(course, target) && { dom: FEEDBACK_VIEW, title: 'Your comments' },
  ]
    .filter((x): x is { dom: string; title: string } => !!x)
    .map((x) => ({ ...x, index: views.indexOf(x.dom) }));
  const fb = course.feedback;
  const subject = mailSubject(course, module);
  const data = moduleData(course, module, target);
  // A one-module course is usually titled like its module: say the title once.
  const showCourseTitle = !sameTitle(course.title, module.title);
  return {
    lang: course.language,
    course: { title: course.title, organisation: course.organisation },
    showCourseTitle,
    // The browser tab and an LMS pop-up show this: the module title, then the course's when it says something more.
    documentTitle: showCourseTitle ? `${module.title} – ${course.title}` : module.title,
    module: {
      title: module.title,
      description: module.description ? renderMarkdown(module.description, { ...env, topHeading: 3 }) : '',
    },
    pageCount: module.pages.length,
    pages,
    extras,
    glossary: module.glossary
      .slice()
      // Plain code-point order on lower case: the same on every machine, unlike ICU collation.
      .sort((a, b) => cmp(a.term.toLowerCase(), b.term.toLowerCase()) || cmp(a.id, b.id))
      .map((g) => ({ id: `term-${g.id}`, term: g.term, definition: renderMarkdown(g.definition, env) })),
    reading: module.furtherReading.map((r) => ({
      title: r.title,
      citation: r.citation,
      // Web and mail links, or a path inside the package; never javascript: or other schemes.
      url: r.url && (/^(https?:|mailto:)/i.test(r.url) || !/^[a-z][a-z0-9+.-]*:/i.test(r.url)) ? r.url : undefined,
      note: r.note ? renderInline(r.note, env) : '',
    })),
    mailto: fb.email ? `mailto:${fb.email}?subject=${encodeURIComponent(subject)}` : '',
    commentForm: commentForm(course, target),
    hasFeedback: hasFeedback(course, target),
    rating: fb.rating,
    ratings: [1, 2, 3, 4, 5],
    commentMax: COMMENT_MAX,
    isScorm: target === 'scorm12',
    dataJson: scriptJson(data),
  };
}
