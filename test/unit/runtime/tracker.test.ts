// The tracker and the SCORM 1.2 adapter together, against an in-memory LMS behind
// the strict checker: what gets written on launch, progress, resume, failure and exit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../../src/runtime/tracker.ts';
import { scormStore } from '../../../src/runtime/scorm12.ts';
import { moduleData } from '../../../src/render/view.ts';
import { strictLms, type Scorm12Like } from '../../helpers/strict-scorm12.ts';
import { sampleCourse } from '../../helpers/sample-course.ts';

const course = sampleCourse();
const data = moduleData(course, course.modules[0], 'scorm12');

/** A tiny LMS: stores values, answers reads, returns errors like a real one. */
function memoryLms(initial: Record<string, string> = {}): Scorm12Like & { values: Record<string, string> } {
  const values: Record<string, string> = { 'cmi.core.lesson_status': 'not attempted', 'cmi.core.entry': 'ab-initio', ...initial };
  let last = '0';
  return {
    values,
    LMSInitialize: () => ((last = '0'), 'true'),
    LMSFinish: () => ((last = '0'), 'true'),
    LMSGetValue: (e) => {
      last = e === 'cmi.interactions._count' || e in values || /^cmi\.(suspend_data|comments|core\.lesson_location)$/.test(e) ? '0' : '401';
      if (e === 'cmi.interactions._count') return String(Object.keys(values).filter((k) => /^cmi\.interactions\.\d+\.id$/.test(k)).length);
      return values[e] ?? '';
    },
    LMSSetValue: (e, v) => ((values[e] = v), (last = '0'), 'true'),
    LMSCommit: () => ((last = '0'), 'true'),
    LMSGetLastError: () => last,
    LMSGetErrorString: () => '',
    LMSGetDiagnostic: () => '',
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('tracker over the SCORM 1.2 adapter', () => {
  it('first launch writes incomplete, location, suspend data and exit=suspend, committed without blocking', () => {
    const lms = strictLms(memoryLms());
    const notices: boolean[] = [];
    const t = createTracker(data, scormStore(lms.api, (p) => notices.push(p)));
    t.show(0);
    expect(lms.committed).toEqual({});
    vi.runOnlyPendingTimers();
    expect(lms.committed).toMatchObject({
      'cmi.core.lesson_status': 'incomplete',
      'cmi.core.lesson_location': 'page-intro',
      'cmi.core.exit': 'suspend',
    });
    expect(lms.violations).toEqual([]);
    expect(notices.at(-1)).toBe(false);
  });

  it('records each answer as the next interaction after those already in the LMS', () => {
    const lms = strictLms(memoryLms({ 'cmi.interactions.0.id': 'earlier' }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    t.answer(0, 0, 12_340);
    vi.runOnlyPendingTimers();
    expect(lms.committed).toMatchObject({
      'cmi.interactions.1.id': 'quiz.q1',
      'cmi.interactions.1.type': 'choice',
      'cmi.interactions.1.result': 'correct',
      'cmi.interactions.1.latency': '0000:00:12.34',
      'cmi.core.score.raw': '20',
    });
  });

  it('finishes exactly once with session time, exit empty when passed', () => {
    let now = 1_000_000;
    const lms = strictLms(memoryLms());
    const t = createTracker(data, scormStore(lms.api, () => {}), () => now);
    [0, 1, 3, 4].forEach((v) => t.show(v));
    [0, [0, 2], false, 'Dignity', [0, 1, 2]].forEach((a, i) => t.answer(i, a as never, 1000));
    now += 95_500;
    t.finish();
    t.finish();
    expect(lms.finished).toBe(1);
    expect(lms.committed).toMatchObject({
      'cmi.core.lesson_status': 'passed',
      'cmi.core.score.raw': '100',
      'cmi.core.exit': '',
      'cmi.core.session_time': '0000:01:35.50',
    });
    expect(lms.violations).toEqual([]);
  });

  it('resumes page and answers from lesson_location and suspend_data', () => {
    const first = memoryLms();
    const t1 = createTracker(data, scormStore(first, () => {}));
    t1.show(3);
    t1.answer(1, [0], 500);
    t1.reflect(0, 'my thoughts');
    t1.finish();
    const again = memoryLms({ ...first.values, 'cmi.core.entry': 'resume' });
    const t2 = createTracker(data, scormStore(again, () => {}));
    expect(t2.resumed).toBe(true);
    expect(t2.state.view).toBe(3);
    expect(t2.state.answers[1]).toEqual([0]);
    expect(t2.state.reflections[0]).toBe('my thoughts');
    expect(t2.status()).toBe('incomplete');
  });

  it('ignores suspend data on a fresh attempt (entry ab-initio)', () => {
    const first = memoryLms();
    const t1 = createTracker(data, scormStore(first, () => {}));
    t1.answer(1, [0], 500);
    t1.finish();
    const fresh = memoryLms({ 'cmi.suspend_data': first.values['cmi.suspend_data'] });
    expect(createTracker(data, scormStore(fresh, () => {})).state.answers).toEqual([]);
  });

  it('keeps values while commits fail, says so, and retries with back-off until the LMS accepts', () => {
    const lms = strictLms(memoryLms());
    const notices: boolean[] = [];
    const t = createTracker(data, scormStore(lms.api, (p) => notices.push(p)));
    lms.failing = true;
    t.answer(0, 1, 100);
    vi.advanceTimersByTime(0);
    expect(notices.at(-1)).toBe(true);
    t.answer(2, true, 100);
    vi.advanceTimersByTime(2000);
    vi.advanceTimersByTime(4000);
    expect(lms.commits.failed).toBe(3);
    expect(lms.committed['cmi.interactions.0.id']).toBeUndefined();
    lms.failing = false;
    vi.advanceTimersByTime(8000);
    expect(notices.at(-1)).toBe(false);
    expect(lms.committed).toMatchObject({ 'cmi.interactions.0.result': 'wrong', 'cmi.interactions.1.id': 'quiz.q3' });
    expect(lms.violations).toEqual([]);
  });

  it('a state the LMS never acknowledged is restored from the browser copy on the next launch, for the same student only', () => {
    const shelf = new Map<string, string>();
    const backup = { getItem: (k: string) => shelf.get(k) ?? null, setItem: (k: string, v: string) => void shelf.set(k, v) };
    const down = strictLms(memoryLms({ 'cmi.core.student_id': 's1' }));
    down.failing = true;
    const t1 = createTracker(data, scormStore(down.api, () => {}, backup, 'k'));
    t1.show(4);
    t1.answer(0, 0, 100);
    t1.finish();
    expect(down.committed).toEqual({});

    const sameStudent = createTracker(data, scormStore(memoryLms({ 'cmi.core.student_id': 's1' }), () => {}, backup, 'k'));
    expect(sameStudent.state.view).toBe(4);
    expect(sameStudent.state.answers[0]).toBe(0);
    const otherStudent = createTracker(data, scormStore(memoryLms({ 'cmi.core.student_id': 's2' }), () => {}, backup, 'k'));
    expect(otherStudent.state.answers).toEqual([]);

    // Once a commit succeeds the copy is marked acknowledged and the LMS's data wins again.
    sameStudent.show(1);
    vi.runOnlyPendingTimers();
    const lmsData = memoryLms({ 'cmi.core.student_id': 's1', 'cmi.core.entry': 'resume', 'cmi.core.lesson_location': 'page-intro' });
    expect(createTracker(data, scormStore(lmsData, () => {}, backup, 'k')).state.view).toBe(0);
  });

  it('keeps cmi.comments within 4096 characters however many comments are sent', () => {
    const lms = strictLms(memoryLms({ 'cmi.comments': 'x'.repeat(3000) }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    expect(t.comment('a'.repeat(1000))).toBe(true);
    expect(t.comment('b'.repeat(1000))).toBe(true);
    expect(t.comment('c')).toBe(false);
    vi.runOnlyPendingTimers();
    expect(lms.committed['cmi.comments']).toHaveLength(4096);
    expect(lms.violations).toEqual([]);
  });

  it('judges pass/fail against the mastery score the LMS provides', () => {
    const lms = strictLms(memoryLms({ 'cmi.student_data.mastery_score': '90' }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    [0, 1, 3, 4].forEach((v) => t.show(v));
    [0, [0, 2], false, 'Dignity', [1, 0, 2]].forEach((a, i) => t.answer(i, a as never, 1000));
    t.finish();
    expect(lms.committed['cmi.core.score.raw']).toBe('80');
    expect(lms.committed['cmi.core.lesson_status']).toBe('failed');
  });

  it('never lowers a status the LMS already has', () => {
    const lms = strictLms(memoryLms({ 'cmi.core.lesson_status': 'completed', 'cmi.core.entry': 'resume' }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    t.show(0);
    t.finish();
    expect(lms.committed['cmi.core.lesson_status']).toBeUndefined();
    expect(lms.committed['cmi.core.exit']).toBe('');
  });
});
