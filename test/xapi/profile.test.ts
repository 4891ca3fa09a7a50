// The statement builders of the coursepack xAPI profile: what an LRS receives for each
// learner event, checked against the profile schema, Learning Locker's validator and
// the embedded LRS's own rules.
import { describe, expect, it } from 'vitest';
import * as P from '../../src/xapi/profile.ts';
import * as ids from '../../src/xapi/ids.ts';
import { courseActivityId, moduleActivityId } from '../../src/package/activity-ids.ts';
import { CoursepackError } from '../../src/errors.ts';
import { checkProfile, COURSE_IRI, everyStatement, problemsOf, Q, QUIZ, RIGHT, session, WRONG } from './fixtures.ts';

const answered = (type: keyof typeof Q, a: unknown) => P.answeredQuestion(session(), QUIZ, Q[type], a as any);

describe('every builder produces a valid statement', () => {
  it.each(everyStatement())('%s is valid under the profile schema, Learning Locker and the embedded LRS', (_name, st) => {
    expect(problemsOf(st)).toEqual({ profile: [], learningLocker: [], lrs: [] });
  });

  it('covers every verb of the profile', () => {
    const verbs = new Set(everyStatement().map(([, s]) => s.verb.id));
    expect([...verbs].sort()).toEqual(Object.values(P.VERBS).map((v) => v.id).sort());
  });

  it('gives each statement a fresh UUID v4 id and a UTC timestamp from the clock', () => {
    const at = new Date('2026-03-01T10:00:00.123Z');
    const list = everyStatement(session({ now: () => at }));
    const idsSeen = new Set(list.map(([, s]) => s.id));
    expect(idsSeen.size).toBe(list.length);
    for (const [, s] of list) {
      expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(s.timestamp).toBe('2026-03-01T10:00:00.123Z');
    }
  });

  it('puts registration, platform, language and revision in every context', () => {
    for (const [, s] of everyStatement()) {
      expect(s.context).toMatchObject({
        registration: 'c3a1d0f4-6c1e-4b9a-9d55-2f1e0b7a8c11',
        platform: 'coursepack 0.1.0 (scorm12)',
        language: 'en-GB',
        revision: '1.2.0',
      });
    }
  });
});

describe('profile schema is not vacuous', () => {
  const base = () => answered('single-choice', 0);
  const cases: Array<[string, (s: any) => void]> = [
    ['an unknown verb', (s) => (s.verb.id = 'http://adlnet.gov/expapi/verbs/attempted')],
    ['answered without a response', (s) => delete s.result.response],
    ['a choice question without choices', (s) => delete s.object.definition.choices],
    ['a duration with 3 decimals', (s) => (s.result.duration = 'PT1.234S')],
    ['a score without scaled', (s) => delete s.result.score.scaled],
    ['no registration', (s) => delete s.context.registration],
    ['no parent activity', (s) => delete s.context.contextActivities.parent],
    ['a statement id that is not v4', (s) => (s.id = 'c3a1d0f4-6c1e-1b9a-9d55-2f1e0b7a8c11')],
    ['an actor with two identifiers', (s) => (s.actor.mbox = 'mailto:a@example.org')],
    ['a progress above 100', (s) => (s.result.extensions = { [P.EXTENSIONS.progress]: 101 })],
  ];
  it.each(cases)('rejects %s', (_n, spoil) => {
    const st = structuredClone(base());
    expect(checkProfile(st)).toBe(true);
    spoil(st);
    expect(checkProfile(st)).toBe(false);
  });

  it('rejects passed with success false and a reflection with a score', () => {
    const passed: any = structuredClone(P.judgedModule(session(), { raw: 9, max: 10 }, 50));
    passed.result.success = false;
    expect(checkProfile(passed)).toBe(false);
    const refl: any = structuredClone(P.answeredReflection(session(), { id: 'r', title: 'R', prompt: 'p' }, 'text'));
    refl.result.score = { scaled: 1, raw: 1, min: 0, max: 1 };
    expect(checkProfile(refl)).toBe(false);
  });
});

describe('question definitions and responses', () => {
  it('single choice: choice, authored ids, the right answer as the pattern', () => {
    const right = answered('single-choice', RIGHT['single-choice']);
    expect(right.object.definition).toMatchObject({
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      interactionType: 'choice',
      correctResponsesPattern: ['food'],
      choices: [
        { id: 'food', description: { 'en-GB': 'Eating and nutrition' } },
        { id: 'colour', description: { 'en-GB': 'Wall colour' } },
        { id: 'noise', description: { 'en-GB': 'Noise' } },
      ],
    });
    expect(right.result).toMatchObject({ response: 'food', success: true });
    expect(answered('single-choice', WRONG['single-choice']).result).toMatchObject({ response: 'noise', success: false });
  });

  it('multiple response: choice with the [,] delimiter in authored order, whatever order the learner ticked', () => {
    const right = answered('multiple-response', [2, 0]);
    expect(right.object.definition.interactionType).toBe('choice');
    expect(right.object.definition.correctResponsesPattern).toEqual(['a1[,]a3']);
    expect(right.result).toMatchObject({ response: 'a1[,]a3', success: true });
    expect(answered('multiple-response', [0, 1, 2]).result).toMatchObject({ response: 'a1[,]a2[,]a3', success: false });
  });

  it('true-false: true/false strings', () => {
    const right = answered('true-false', false);
    expect(right.object.definition).toMatchObject({ interactionType: 'true-false', correctResponsesPattern: ['false'] });
    expect(right.object.definition.choices).toBeUndefined();
    expect(right.result).toMatchObject({ response: 'false', success: true });
    expect(answered('true-false', true).result).toMatchObject({ response: 'true', success: false });
  });

  it('fill-in: one pattern per accepted answer, case_matters only when case-sensitive, tidied response', () => {
    const right = answered('fill-in', RIGHT['fill-in']);
    expect(right.object.definition).toMatchObject({ interactionType: 'fill-in', correctResponsesPattern: ['Care', 'Care Act'] });
    expect(right.result).toMatchObject({ response: 'care act', success: true });
    const cs = { ...Q['fill-in'], caseSensitive: true } as P.QuestionInput;
    const st = P.answeredQuestion(session(), QUIZ, cs, 'care act');
    expect(st.object.definition.correctResponsesPattern).toEqual(['{case_matters=true}Care', '{case_matters=true}Care Act']);
    expect(st.result?.success).toBe(false);
  });

  it('matching: source and target components, source[.]target pairs, unmatched sources left out', () => {
    const right = answered('matching', RIGHT.matching);
    expect(right.object.definition).toMatchObject({
      interactionType: 'matching',
      correctResponsesPattern: ['privacy[.]curtain[,]choice[.]menu[,]pain[.]ask'],
      source: [{ id: 'privacy' }, { id: 'choice' }, { id: 'pain' }],
      target: [{ id: 'curtain' }, { id: 'menu' }, { id: 'ask' }],
    });
    expect(right.result).toMatchObject({ response: 'privacy[.]curtain[,]choice[.]menu[,]pain[.]ask', success: true });
    expect(answered('matching', WRONG.matching).result).toMatchObject({ response: 'privacy[.]menu[,]choice[.]curtain', success: false });
  });

  it('reflection: long-fill-in with the text as response and no right answer', () => {
    const st = P.answeredReflection(session(), { id: 'think', title: 'Think', prompt: 'Why?' }, '  Because.\nReally.  ');
    expect(st.object.id).toBe(`${COURSE_IRI}/modules/respect/activities/think`);
    expect(st.object.definition).toEqual({
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      name: { 'en-GB': 'Think' },
      description: { 'en-GB': 'Why?' },
      interactionType: 'long-fill-in',
    });
    expect(st.result).toEqual({ response: 'Because.\nReally.', completion: true });
  });

  it('a question is scored by its weighting; an unscored one (weighting 0) has no score', () => {
    expect(answered('multiple-response', [0, 2]).result?.score).toEqual({ scaled: 1, raw: 2, min: 0, max: 2 });
    expect(answered('multiple-response', [0]).result?.score).toEqual({ scaled: 0, raw: 0, min: 0, max: 2 });
    const unscored = P.answeredQuestion(session(), QUIZ, { ...Q['true-false'], weighting: 0 } as P.QuestionInput, false);
    expect(unscored.result?.score).toBeUndefined();
    expect(unscored.result?.success).toBe(true);
  });

  it('questions hang under their quiz, grouped by module and course', () => {
    const st = answered('true-false', true);
    expect(st.context.contextActivities.parent!.map((a) => a.id)).toEqual([`${COURSE_IRI}/modules/respect/activities/check`]);
    expect(st.context.contextActivities.grouping!.map((a) => a.id)).toEqual([`${COURSE_IRI}/modules/respect`, COURSE_IRI]);
  });
});

describe('durations', () => {
  const cases: Array<[number, string]> = [
    [0, 'PT0S'],
    [4, 'PT0S'],
    [5, 'PT0.01S'],
    [1234.5, 'PT1.23S'],
    [90_500, 'PT1M30.5S'],
    [60_000, 'PT1M'],
    [61_000, 'PT1M1S'],
    [3_600_000, 'PT1H'],
    [3_723_456, 'PT1H2M3.46S'],
    [59_999, 'PT1M'],
    [100 * 3_600_000, 'PT100H'],
    [-5, 'PT0S'],
  ];
  it.each(cases)('%d ms is %s', (ms, iso) => {
    expect(P.duration(ms)).toBe(iso);
  });

  it('never has more than 2 decimals of seconds', () => {
    for (let ms = 0; ms < 200_000; ms += 37.3) expect(P.duration(ms)).toMatch(/^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$/);
  });
});

describe('scores', () => {
  it('scaled is (raw − min) / (max − min) and raw/min/max are kept', () => {
    expect(P.score({ raw: 3, max: 4 })).toEqual({ scaled: 0.75, raw: 3, min: 0, max: 4 });
    expect(P.score({ raw: 3, min: 1, max: 5 })).toEqual({ scaled: 0.5, raw: 3, min: 1, max: 5 });
  });

  it.each([
    [{ raw: 5, max: 4 }],
    [{ raw: -1, max: 4 }],
    [{ raw: 0, max: 0 }],
    [{ raw: Number.NaN, max: 4 }],
  ])('refuses the impossible score %j with XAPI_SCORE', (input) => {
    let err: unknown;
    try {
      P.score(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoursepackError);
    expect((err as CoursepackError).code).toBe('XAPI_SCORE');
  });

  it('passed/failed follow the pass mark with the runtime\'s rounding (57 of 100 passes 57)', () => {
    // 0.57 * 100 is 56.99999999999999 in floating point.
    const st = P.judgedModule(session(), { raw: 57, max: 100 }, 57);
    expect(st.verb.id).toBe(P.VERBS.passed.id);
    expect(st.result).toMatchObject({ success: true, score: { scaled: 0.57, raw: 57, min: 0, max: 100 } });
    const failed = P.judgedModule(session(), { raw: 4, max: 7 }, 57.15);
    expect(failed.verb.id).toBe(P.VERBS.failed.id);
    expect(failed.result?.success).toBe(false);
  });

  it('progress is an integer percentage in the cmi5 extension', () => {
    expect(P.progressed(session(), 42.6).result?.extensions).toEqual({ 'https://w3id.org/xapi/cmi5/result/extensions/progress': 43 });
    expect(P.progressed(session(), 140).result?.extensions?.[P.EXTENSIONS.progress]).toBe(100);
    expect(P.completedModule(session()).result).toMatchObject({ completion: true, extensions: { [P.EXTENSIONS.progress]: 100 } });
  });
});

describe('activity ids', () => {
  it('are derived from the course IRI alone and agree with the package build', () => {
    const course = { iri: COURSE_IRI } as any;
    const module = { id: 'respect' } as any;
    expect(ids.courseId(COURSE_IRI)).toBe(courseActivityId(course));
    expect(ids.moduleId(COURSE_IRI, 'respect')).toBe(moduleActivityId(course, module));
    expect(ids.pageId(COURSE_IRI, 'respect', 'intro')).toBe(`${COURSE_IRI}/modules/respect/pages/intro`);
    expect(ids.questionId(COURSE_IRI, 'respect', 'check', 'q1')).toBe(`${COURSE_IRI}/modules/respect/activities/check/questions/q1`);
    expect(ids.glossaryTermId(COURSE_IRI, 'respect', 'dignity')).toBe(`${COURSE_IRI}/modules/respect/glossary/dignity`);
    expect(ids.printViewId(COURSE_IRI, 'respect')).toBe(`${COURSE_IRI}/modules/respect/print`);
    expect(ids.feedbackId(COURSE_IRI, 'respect')).toBe(`${COURSE_IRI}/modules/respect/feedback`);
  });

  it('are the same across sessions, learners, times and targets; only statement ids differ', () => {
    const a = everyStatement(session());
    const b = everyStatement(
      session({
        actor: { mbox: 'mailto:bo@example.org' },
        registration: '0b5e7b0c-2f0a-4c52-8d7e-6f3b9e2d1a00',
        platform: 'coursepack 0.1.0 (cmi5)',
        now: () => new Date('2030-01-01T00:00:00Z'),
      }),
    );
    const shape = (list: typeof a) => list.map(([, s]) => [s.object.id, JSON.stringify(s.object.definition), JSON.stringify(s.context.contextActivities)]);
    expect(shape(b)).toEqual(shape(a));
    expect(b.map(([, s]) => s.id)).not.toEqual(a.map(([, s]) => s.id));
    expect(new Set(a.map(([, s]) => s.object.id)).size).toBeGreaterThan(10);
  });

  it('encode authored ids so any id stays inside its segment', () => {
    expect(ids.pageId(COURSE_IRI, 'a b', 'x/y')).toBe(`${COURSE_IRI}/modules/a%20b/pages/x%2Fy`);
  });
});

describe('cmi5 context template', () => {
  it('is merged into every statement without duplicating activities', () => {
    const cat = { objectType: 'Activity' as const, id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5', definition: { type: 'http://adlnet.gov/expapi/activities/profile' } };
    const s = session({
      contextTemplate: {
        contextActivities: { category: [cat], grouping: [{ objectType: 'Activity', id: COURSE_IRI, definition: { type: P.ACTIVITY_TYPES.course } }] },
        extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 'sess-1' },
      },
    });
    const st = P.experiencedPage(s, { id: 'intro', title: 'Intro' });
    expect(st.context.contextActivities.category).toEqual([cat]);
    expect(st.context.contextActivities.grouping!.map((a) => a.id)).toEqual([COURSE_IRI]);
    expect(st.context.extensions).toEqual({ 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 'sess-1' });
    expect(problemsOf(st)).toEqual({ profile: [], learningLocker: [], lrs: [] });
  });
});
