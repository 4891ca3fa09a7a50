// Status transitions: incomplete first, completed/passed/failed when earned,
// never lowered, never "not attempted".
import { describe, expect, it } from 'vitest';
import { earnedStatus, nextStatus, score } from '../../../src/runtime/status.ts';
import { moduleData } from '../../../src/render/view.ts';
import type { LearnerState } from '../../../src/runtime/suspend-data.ts';
import { sampleCourse } from '../../helpers/sample-course.ts';

const course = sampleCourse();
const data = moduleData(course, course.modules[0], 'scorm12');
const allRequired = [true, true, false, true, true];
const right = [0, [0, 2], false, 'dignity', [0, 1, 2]];

describe('lesson status', () => {
  it('writes incomplete on first launch and nothing else without progress', () => {
    const empty: LearnerState = { view: 0, visited: [], answers: [], reflections: [] };
    expect(earnedStatus(data, empty)).toBe('incomplete');
    expect(nextStatus('not attempted', 'incomplete')).toBe('incomplete');
    expect(nextStatus('', 'incomplete')).toBe('incomplete');
    expect(nextStatus('incomplete', 'incomplete')).toBeNull();
  });

  it('stays incomplete until required pages are seen and every scored question answered', () => {
    expect(earnedStatus(data, { view: 0, visited: allRequired, answers: right.slice(0, 4), reflections: [] })).toBe('incomplete');
    expect(earnedStatus(data, { view: 0, visited: [true, true, false, true, false], answers: right, reflections: [] })).toBe('incomplete');
  });

  it('passes at or above the pass mark and fails below it', () => {
    expect(earnedStatus(data, { view: 0, visited: allRequired, answers: right, reflections: [] })).toBe('passed');
    const three = [0, [0, 2], false, 'wrong', [2, 1, 0]];
    expect(score(data, { view: 0, visited: [], answers: three, reflections: [] })!.raw).toBe(60);
    expect(earnedStatus(data, { view: 0, visited: allRequired, answers: three, reflections: [] })).toBe('passed');
    const two = [1, [0, 2], false, 'wrong', [2, 1, 0]];
    expect(earnedStatus(data, { view: 0, visited: allRequired, answers: two, reflections: [] })).toBe('failed');
  });

  it('is completed (not passed) when there is no pass mark', () => {
    const noMark = moduleData({ ...course, passMark: undefined }, course.modules[0], 'scorm12');
    expect(noMark.passMark).toBeNull();
    expect(earnedStatus(noMark, { view: 0, visited: allRequired, answers: [], reflections: [] })).toBe('completed');
  });

  it('all-pages needs optional pages too', () => {
    const all = moduleData({ ...course, completion: 'all-pages', passMark: undefined }, course.modules[0], 'scorm12');
    expect(earnedStatus(all, { view: 0, visited: allRequired, answers: [], reflections: [] })).toBe('incomplete');
    expect(earnedStatus(all, { view: 0, visited: [true, true, true, true, true], answers: [], reflections: [] })).toBe('completed');
  });

  it('never lowers a status and can raise failed to passed', () => {
    expect(nextStatus('completed', 'incomplete')).toBeNull();
    expect(nextStatus('passed', 'failed')).toBeNull();
    expect(nextStatus('passed', 'incomplete')).toBeNull();
    expect(nextStatus('failed', 'passed')).toBe('passed');
    expect(nextStatus('incomplete', 'failed')).toBe('failed');
    expect(nextStatus('browsed', 'completed')).toBe('completed');
  });

  it('treats browsed as the lowest touched status: a real start (incomplete) is a step up', () => {
    expect(nextStatus('browsed', 'incomplete')).toBe('incomplete');
    expect(nextStatus('browsed', 'browsed' as never)).toBeNull();
    expect(nextStatus('incomplete', 'browsed' as never)).toBeNull();
  });

  it('judges pass/fail on the best score of the attempt when one is given', () => {
    const two = [1, [0, 2], false, 'wrong', [2, 1, 0]];
    const state = { view: 0, visited: allRequired, answers: two, reflections: [] };
    expect(earnedStatus(data, state)).toBe('failed');
    expect(earnedStatus(data, state, 100)).toBe('passed');
    // Not before every scored question is answered, whatever the best.
    expect(earnedStatus(data, { ...state, answers: two.slice(0, 4) }, 100)).toBe('incomplete');
  });

  it('scores 0–100 over weighted scored questions', () => {
    const s = score(data, { view: 0, visited: [], answers: [0], reflections: [] })!;
    expect(s).toEqual({ raw: 20, allAnswered: false });
  });
});
