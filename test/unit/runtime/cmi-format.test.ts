// SCORM 1.2 data formats as an LMS receives them.
import { describe, expect, it } from 'vitest';
import { cmiTime, decimal, identifier, interaction, isCorrect, timespan } from '../../../src/runtime/cmi-format.ts';
import type { QuestionData } from '../../../src/runtime/module-data.ts';

const CMITimespan = /^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$/;
const CMITime = /^([0-2][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,2})?$/;
const common = { iid: 'quiz.q1', dom: 'q', quiz: 'quiz', scored: true, weighting: 1 };

describe('CMITimespan', () => {
  it('formats durations with 4 hour digits and hundredths', () => {
    expect(timespan(0)).toBe('0000:00:00.00');
    expect(timespan(90_500)).toBe('0000:01:30.50');
    expect(timespan(3_600_000 * 27 + 61_004)).toBe('0027:01:01.00');
  });
  it('caps at 9999 hours and never goes negative', () => {
    expect(timespan(3_600_000 * 20_000)).toBe('9999:59:59.99');
    expect(timespan(-5)).toBe('0000:00:00.00');
    for (const ms of [1, 999, 59_999, 3_599_999, 86_400_000, 123_456_789]) expect(timespan(ms)).toMatch(CMITimespan);
  });
});

describe('CMITime', () => {
  it('is the local time of day', () => {
    expect(cmiTime(new Date(2026, 0, 2, 9, 5, 7))).toBe('09:05:07');
    expect(cmiTime(new Date(2026, 0, 2, 23, 59, 59))).toMatch(CMITime);
  });
});

describe('CMIDecimal and CMIIdentifier', () => {
  it('writes decimals without exponent and at most two places', () => {
    expect(decimal(66.666666)).toBe('66.67');
    expect(decimal(100)).toBe('100');
    expect(decimal(1e-9)).toBe('0');
  });
  it('replaces spaces and non-ASCII in identifiers and bounds them to 255', () => {
    expect(identifier('quiz one.q é')).toBe('quiz_one.q__');
    expect(identifier('x'.repeat(300))).toHaveLength(255);
  });
});

describe('interaction records', () => {
  it('single choice uses one-letter choice identifiers', () => {
    const q: QuestionData = { ...common, type: 'single-choice', choices: ['a', 'b', 'c'], correct: 1 };
    expect(interaction(q, 1)).toEqual({ id: 'quiz.q1', type: 'choice', student_response: 'b', pattern: 'b', result: 'correct', weighting: '1' });
    expect(interaction(q, 2)).toMatchObject({ student_response: 'c', result: 'wrong' });
  });
  it('multiple response lists the set comma-separated, order-independent', () => {
    const q: QuestionData = { ...common, type: 'multiple-response', choices: ['a', 'b', 'c'], correct: [2, 0] };
    expect(interaction(q, [2, 0])).toMatchObject({ type: 'choice', student_response: 'a,c', pattern: 'a,c', result: 'correct' });
    expect(interaction(q, [0])).toMatchObject({ student_response: 'a', result: 'wrong' });
  });
  it('true-false uses t and f', () => {
    const q: QuestionData = { ...common, type: 'true-false', correct: false };
    expect(interaction(q, false)).toMatchObject({ type: 'true-false', student_response: 'f', pattern: 'f', result: 'correct' });
    expect(interaction(q, true)).toMatchObject({ student_response: 't', result: 'wrong' });
  });
  it('fill-in compares case- and space-insensitively unless told otherwise, bounded to 255', () => {
    const q: QuestionData = { ...common, type: 'fill-in', answers: ['Dignity'], caseSensitive: false, maxLength: 400 };
    expect(interaction(q, '  dignity ')).toMatchObject({ type: 'fill-in', student_response: 'dignity', pattern: 'Dignity', result: 'correct' });
    expect(interaction(q, 'y'.repeat(400)).student_response).toHaveLength(255);
    expect(isCorrect({ ...q, caseSensitive: true }, 'dignity')).toBe(false);
  });
  it('matching writes source.target pairs', () => {
    const q: QuestionData = { ...common, type: 'matching', pairs: 3 };
    expect(interaction(q, [0, 1, 2])).toMatchObject({ type: 'matching', student_response: '1.a,2.b,3.c', pattern: '1.a,2.b,3.c', result: 'correct' });
    expect(interaction(q, [1, null, 2])).toMatchObject({ student_response: '1.b,3.c', result: 'wrong' });
  });
  it('bounds weighting to the SCORM range', () => {
    const q: QuestionData = { ...common, weighting: 250, type: 'true-false', correct: true };
    expect(interaction(q, true).weighting).toBe('100');
  });
});
