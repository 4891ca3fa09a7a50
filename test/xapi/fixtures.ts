// Shared inputs for the xAPI tests: a session, one question of each type, and a
// statement for every builder, plus the three validators every statement must pass.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import llValidation from '@learninglocker/xapi-validation';
import { validateStatement } from '../../src/lrs/validate.ts';
import * as P from '../../src/xapi/profile.ts';
import type { QuestionInput, Session, Statement } from '../../src/xapi/profile.ts';

export const COURSE_IRI = 'https://courses.example.org/dignity';

export function session(over: Partial<Session> = {}): Session {
  return {
    actor: { objectType: 'Agent', name: 'Ada Learner', account: { homePage: 'https://lms.example.org', name: 'ada-42' } },
    registration: 'c3a1d0f4-6c1e-4b9a-9d55-2f1e0b7a8c11',
    course: { iri: COURSE_IRI, title: 'Dignity in care', version: '1.2.0', language: 'en-GB' },
    module: { id: 'respect', title: 'Respect', description: 'Treating people with respect' },
    platform: 'coursepack 0.1.0 (scorm12)',
    ...over,
  };
}

export const QUIZ = { id: 'check', title: 'Check your understanding' };

export const Q: Record<QuestionInput['type'], QuestionInput> = {
  'single-choice': {
    type: 'single-choice', id: 'q1', quiz: 'check', prompt: 'Which is a dignity factor?', weighting: 1,
    choices: [{ id: 'food', text: 'Eating and nutrition' }, { id: 'colour', text: 'Wall colour' }, { id: 'noise', text: 'Noise' }],
    correct: 0,
  },
  'multiple-response': {
    type: 'multiple-response', id: 'q2', quiz: 'check', prompt: 'Pick all that apply', weighting: 2,
    choices: [{ id: 'a1', text: 'Privacy' }, { id: 'a2', text: 'Pain' }, { id: 'a3', text: 'Choice' }],
    correct: [2, 0],
  },
  'true-false': { type: 'true-false', id: 'q3', quiz: 'check', prompt: 'Dignity is optional.', weighting: 1, correct: false },
  'fill-in': {
    type: 'fill-in', id: 'q4', quiz: 'check', prompt: 'The Act of 2014 is the … Act', weighting: 1,
    answers: ['Care', 'Care Act'], caseSensitive: false,
  },
  matching: {
    type: 'matching', id: 'q5', quiz: 'check', prompt: 'Match the terms', weighting: 1,
    pairs: [
      { source: { id: 'privacy', text: 'Privacy' }, target: { id: 'curtain', text: 'Closing the curtain' } },
      { source: { id: 'choice', text: 'Choice' }, target: { id: 'menu', text: 'Offering a menu' } },
      { source: { id: 'pain', text: 'Pain' }, target: { id: 'ask', text: 'Asking about pain' } },
    ],
  },
};

export const RIGHT = { 'single-choice': 0, 'multiple-response': [0, 2], 'true-false': false, 'fill-in': ' care  act ', matching: [0, 1, 2] } as const;
export const WRONG = { 'single-choice': 2, 'multiple-response': [1], 'true-false': true, 'fill-in': 'Health', matching: [1, 0, null] } as const;

/** One statement from every builder (every verb, every question type). */
export function everyStatement(s: Session = session()): Array<[string, Statement]> {
  const out: Array<[string, Statement]> = [
    ['initialized', P.initialized(s)],
    ['experienced page', P.experiencedPage(s, { id: 'intro', title: 'Introduction' }, { durationMs: 90_500 })],
    ['answered reflection', P.answeredReflection(s, { id: 'think', title: 'Think about it', prompt: 'What does dignity mean to you?' }, 'Being listened to.', { durationMs: 61_000 })],
    ['completed quiz', P.completedQuiz(s, QUIZ, { raw: 4, max: 6 }, { passMark: 60, durationMs: 120_000 })],
    ['completed module', P.completedModule(s, { durationMs: 600_000 })],
    ['passed module', P.judgedModule(s, { raw: 80, max: 100 }, 75, { durationMs: 605_000 })],
    ['failed module', P.judgedModule(s, { raw: 50, max: 100 }, 75)],
    ['progressed', P.progressed(s, 42.4)],
    ['commented', P.commented(s, { comment: ' Very useful <b>thanks</b> ', rating: 4 })],
    ['commented without rating', P.commented(s, { comment: 'ok' })],
    ['viewed glossary term', P.viewedGlossaryTerm(s, { id: 'dignity', term: 'Dignity', definition: 'Being valued' })],
    ['printed', P.printed(s)],
    ['terminated', P.terminated(s, { durationMs: 610_000, progress: 100 })],
  ];
  for (const [type, q] of Object.entries(Q)) {
    out.push([`answered ${type} (right)`, P.answeredQuestion(s, QUIZ, q, RIGHT[type as keyof typeof RIGHT] as any, { durationMs: 12_340 })]);
    out.push([`answered ${type} (wrong)`, P.answeredQuestion(s, QUIZ, q, WRONG[type as keyof typeof WRONG] as any)]);
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
export const checkProfile = ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/statement.schema.json', import.meta.url), 'utf8')));
const ll: (s: unknown) => unknown[] = (llValidation as any).default ?? llValidation;

/** Problems from the profile schema, Learning Locker's validator and the embedded LRS's rules. */
export function problemsOf(st: unknown): { profile: unknown[]; learningLocker: unknown[]; lrs: unknown[] } {
  const ok = checkProfile(st);
  return { profile: ok ? [] : (checkProfile.errors ?? []), learningLocker: ll(st), lrs: validateStatement(st) };
}
