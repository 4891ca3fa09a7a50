// Statement fixtures built with the profile's own builders (src/xapi/profile.ts), so they
// are exactly what the packages send. Deterministic ids and clock; the expected figures
// for `classStatements()` are worked out by hand in report.test.ts.
import * as P from '../../src/xapi/profile.ts';
import type { QuestionInput, Session, Statement } from '../../src/xapi/profile.ts';
import type { Answer } from '../../src/runtime/suspend-data.ts';
export type { Answer };

export const IRI = 'https://example.org/courses/consent';
export const COURSE = { iri: IRI, title: 'Consent', version: '1.0.0', language: 'en' };
export const MODULE = { id: 'm1', title: 'Module one' };
export const QUIZ = { id: 'check', title: 'Check' };
export const PAGES = [
  { id: 'p1', title: 'Welcome' },
  { id: 'p2', title: 'Why consent' },
  { id: 'p3', title: 'Summary' },
];
export const Q1: QuestionInput = { id: 'q1', quiz: 'check', prompt: 'Pick beta', weighting: 1, type: 'single-choice', choices: [{ id: 'a', text: 'Alpha' }, { id: 'b', text: 'Beta' }, { id: 'c', text: 'Gamma' }], correct: 1 };
export const Q2: QuestionInput = { id: 'q2', quiz: 'check', prompt: 'True?', weighting: 1, type: 'true-false', correct: true };
export const Q3: QuestionInput = { id: 'q3', quiz: 'check', prompt: 'Pick x and z', weighting: 2, type: 'multiple-response', choices: [{ id: 'x', text: 'Ex' }, { id: 'y', text: 'Why' }, { id: 'z', text: 'Zed' }], correct: [0, 2] };
export const HOSTILE = `</td><script>alert("x")</script><img src=x onerror=alert(2)> & "quotes"`;

let counter = 0;
/** Deterministic UUID v4-shaped ids. */
export const nextId = () => {
  counter++;
  const h = counter.toString(16).padStart(12, '0');
  return `0000${h.slice(0, 4)}-0000-4000-8000-${h}`;
};

export function session(name: string, registration: string, startIso: string, course = COURSE): Session & { tick: (ms: number) => void } {
  let t = Date.parse(startIso);
  return {
    actor: { objectType: 'Agent', name, mbox: `mailto:${name.toLowerCase()}@example.org` },
    registration,
    course,
    module: MODULE,
    platform: 'coursepack test',
    now: () => new Date(t),
    uuid: nextId,
    tick: (ms: number) => {
      t += ms;
    },
  };
}

const reg = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** One learner's attempt: pages with seconds, answers, then completion and a judgement. */
function attempt(
  s: ReturnType<typeof session>,
  o: { pages: number[]; answers: Array<[QuestionInput, Answer]>; score?: number; passMark?: number },
): Statement[] {
  const out: Statement[] = [P.initialized(s)];
  o.pages.forEach((sec, i) => {
    s.tick(sec * 1000);
    out.push(P.experiencedPage(s, PAGES[i]!, { durationMs: sec * 1000 }));
  });
  for (const [q, a] of o.answers) {
    s.tick(1000);
    out.push(P.answeredQuestion(s, QUIZ, q, a));
  }
  if (o.score !== undefined) {
    s.tick(1000);
    out.push(P.completedModule(s, { durationMs: 1000 }));
    out.push(P.judgedModule(s, { raw: o.score, max: 100 }, o.passMark ?? 50));
  }
  return out;
}

/**
 * Five learners, one attempt each:
 *   Ann:  pages 60/120/30 s, q1 b ✓, q2 true ✓, q3 x+z ✓ → 100, passed; rating 5; printed; looked up "consent"
 *   Ben:  pages 30/60/90 s,  q1 b ✓, q2 false ✗, q3 y ✗  → 25, failed; rating 2, hostile comment
 *   Cat:  pages 40/20 s,     q1 a ✗, q2 true ✓ (no q3)  → not completed
 *   Dan:  initialized only
 *   Eve:  pages 10/10/10 s,  q1 b ✓, q2 true ✓, q3 x ✗ → 50, passed; looked up "consent" and "advocacy"
 */
export function classStatements(): Statement[] {
  const ann = session('Ann', reg(1), '2026-09-01T09:00:00Z');
  const ben = session('Ben', reg(2), '2026-09-01T10:00:00Z');
  const cat = session('Cat', reg(3), '2026-09-02T09:00:00Z');
  const dan = session('Dan', reg(4), '2026-09-02T10:00:00Z');
  const eve = session('Eve', reg(5), '2026-09-03T09:00:00Z');
  const out: Statement[] = [];
  out.push(...attempt(ann, { pages: [60, 120, 30], answers: [[Q1, 1], [Q2, true], [Q3, [0, 2]]], score: 100 }));
  out.push(P.commented(ann, { comment: 'Great module', rating: 5 }), P.printed(ann), P.viewedGlossaryTerm(ann, { id: 'consent', term: 'Consent' }));
  out.push(...attempt(ben, { pages: [30, 60, 90], answers: [[Q1, 1], [Q2, false], [Q3, [1]]], score: 25 }));
  out.push(P.commented(ben, { comment: HOSTILE, rating: 2 }));
  out.push(...attempt(cat, { pages: [40, 20], answers: [[Q1, 0], [Q2, true]] }));
  out.push(P.initialized(dan));
  out.push(...attempt(eve, { pages: [10, 10, 10], answers: [[Q1, 1], [Q2, true], [Q3, [0]]], score: 50 }));
  out.push(P.viewedGlossaryTerm(eve, { id: 'consent', term: 'Consent' }), P.viewedGlossaryTerm(eve, { id: 'advocacy', term: 'Advocacy' }));
  return out;
}

/** A voiding statement (not built by the profile: an LRS admin or tool sends it). */
export function voiding(target: string, at = '2026-09-05T00:00:00Z'): Record<string, unknown> {
  return {
    id: nextId(),
    actor: { objectType: 'Agent', name: 'Admin', mbox: 'mailto:admin@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
    object: { objectType: 'StatementRef', id: target },
    timestamp: at,
  };
}

export { reg };
