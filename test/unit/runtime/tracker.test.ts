// The tracker and the SCORM 1.2 adapter together, against an in-memory LMS behind
// the strict checker: what gets written on launch, progress, resume, failure and exit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../../src/runtime/tracker.ts';
import { scormStore } from '../../../src/runtime/scorm12.ts';
import { moduleData } from '../../../src/render/view.ts';
import { strictLms } from '../../helpers/strict-scorm12.ts';
import { interactionIds, memoryLms, setCalls, shelf } from '../../helpers/memory-lms.ts';
import { sampleCourse } from '../../helpers/sample-course.ts';

const course = sampleCourse();
const data = moduleData(course, course.modules[0], 'scorm12');

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
    });
  });

  it('writes no score before it decides passed/failed, so Moodle cannot fail a learner who leaves part-way', () => {
    const lms = strictLms(memoryLms({ 'cmi.student_data.mastery_score': '60' }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    [0, 1, 3, 4].forEach((v) => t.show(v));
    t.answer(0, 0, 1000);
    t.answer(1, [0, 2], 1000);
    t.finish();
    expect(setCalls(lms).filter((e) => e.startsWith('cmi.core.score'))).toEqual([]);
    expect(lms.committed['cmi.core.lesson_status']).toBe('incomplete');
    expect(lms.moodleStatus).toBe('incomplete');
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
    const backup = shelf();
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

const allRight = [0, [0, 2], false, 'Dignity', [0, 1, 2]];

describe('lesson_mode and credit', () => {
  it('review: shows the answers from suspend_data and writes nothing of the record, not even to the browser copy', () => {
    const first = memoryLms();
    const t1 = createTracker(data, scormStore(first, () => {}));
    [0, 1, 3, 4].forEach((v) => t1.show(v));
    allRight.forEach((a, i) => t1.answer(i, a as never, 1000));
    t1.reflect(0, 'kept');
    t1.finish();
    const before = { ...first.values };

    const review = strictLms(memoryLms({ ...first.values, 'cmi.core.entry': '', 'cmi.core.lesson_mode': 'review', 'cmi.core.credit': 'no-credit' }));
    const copy = shelf();
    const t = createTracker(data, scormStore(review.api, () => {}, copy, 'k'));
    expect(t.mode()).toBe('review');
    expect(t.state.answers[1]).toEqual([0, 2]);
    expect(t.state.reflections[0]).toBe('kept');
    t.show(2);
    t.answer(0, 2, 500);
    expect(t.reflect(0, 'changed in review')).toBe(false);
    vi.runAllTimers();
    t.finish();
    expect(setCalls(review)).toEqual([]);
    expect(review.calls.filter((c) => c[0] === 'LMSCommit')).toEqual([]);
    expect(review.finished).toBe(1);
    expect(review.violations).toEqual([]);
    expect(copy.items.size).toBe(0);
    expect(first.values).toEqual(before);
  });

  it('browse: sets an untouched status to browsed, never a score or passed/failed, and keeps place, answers and interactions', () => {
    const lms = strictLms(memoryLms({ 'cmi.core.lesson_mode': 'browse', 'cmi.core.credit': 'no-credit' }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    [0, 1, 3, 4].forEach((v) => t.show(v));
    allRight.forEach((a, i) => t.answer(i, a as never, 1000));
    t.finish();
    const c = lms.committed;
    expect(c['cmi.core.lesson_status']).toBe('browsed');
    expect(setCalls(lms).filter((e) => e === 'cmi.core.lesson_status')).toHaveLength(1);
    expect(setCalls(lms).some((e) => e.startsWith('cmi.core.score'))).toBe(false);
    expect(c['cmi.core.exit']).toBe('suspend');
    expect(c['cmi.core.lesson_location']).toBe('page-check');
    expect(interactionIds(c)).toEqual(data.questions.map((q) => q.iid));
    expect(lms.violations).toEqual([]);
  });

  it('browse: leaves an existing status alone, browsed included', () => {
    for (const existing of ['browsed', 'incomplete', 'failed']) {
      const lms = strictLms(memoryLms({ 'cmi.core.lesson_mode': 'browse', 'cmi.core.lesson_status': existing, 'cmi.core.entry': 'resume' }));
      const t = createTracker(data, scormStore(lms.api, () => {}));
      [0, 1, 3, 4].forEach((v) => t.show(v));
      allRight.forEach((a, i) => t.answer(i, a as never, 1000));
      t.finish();
      expect(setCalls(lms), existing).not.toContain('cmi.core.lesson_status');
    }
  });

  it('a normal launch after browsing starts the attempt for real (browsed → incomplete)', () => {
    const lms = strictLms(memoryLms({ 'cmi.core.lesson_status': 'browsed', 'cmi.core.entry': 'resume' }));
    createTracker(data, scormStore(lms.api, () => {})).show(0);
    vi.runOnlyPendingTimers();
    expect(lms.committed['cmi.core.lesson_status']).toBe('incomplete');
  });

  it('no-credit in normal mode reports status and score as a credit launch does', () => {
    const lms = strictLms(memoryLms({ 'cmi.core.lesson_mode': 'normal', 'cmi.core.credit': 'no-credit' }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    expect(t.credit()).toBe('no-credit');
    [0, 1, 3, 4].forEach((v) => t.show(v));
    allRight.forEach((a, i) => t.answer(i, a as never, 1000));
    t.finish();
    expect(lms.committed).toMatchObject({ 'cmi.core.lesson_status': 'passed', 'cmi.core.score.raw': '100' });
  });
});

describe('the recorded score is the best result of the attempt', () => {
  it('changing a right answer to a wrong one after passing keeps score.raw and passed, and records the new answer', () => {
    const lms = strictLms(memoryLms());
    const t = createTracker(data, scormStore(lms.api, () => {}));
    [0, 1, 3, 4].forEach((v) => t.show(v));
    allRight.forEach((a, i) => t.answer(i, a as never, 1000));
    vi.runOnlyPendingTimers();
    expect(lms.committed['cmi.core.score.raw']).toBe('100');
    t.answer(0, 1, 800);
    t.answer(1, [1], 800);
    t.finish();
    expect(lms.committed['cmi.core.score.raw']).toBe('100');
    expect(lms.committed['cmi.core.lesson_status']).toBe('passed');
    expect(lms.committed['cmi.interactions.5.result']).toBe('wrong');
    expect(lms.committed['cmi.interactions.6.id']).toBe('quiz.q2');
    expect(t.recordedScore()).toBe(100);
    expect(lms.violations).toEqual([]);
  });

  it('a relaunch never writes a score below the one the LMS holds', () => {
    const first = memoryLms();
    const t1 = createTracker(data, scormStore(first, () => {}));
    [0, 1, 3, 4].forEach((v) => t1.show(v));
    allRight.forEach((a, i) => t1.answer(i, a as never, 1000));
    t1.answer(4, [2, 1, 0], 1000);
    t1.finish();
    expect(first.values['cmi.core.score.raw']).toBe('100');
    const again = strictLms(memoryLms({ ...first.values, 'cmi.core.entry': 'resume' }));
    const t2 = createTracker(data, scormStore(again.api, () => {}));
    t2.answer(2, true, 500);
    t2.finish();
    const written = again.calls.filter((c) => c[0] === 'LMSSetValue' && c[1] === 'cmi.core.score.raw').map((c) => c[2]);
    expect(written.every((v) => v === '100')).toBe(true);
    expect(again.committed['cmi.core.lesson_status']).toBeUndefined();
  });
});

describe('the best score belongs to one attempt', () => {
  it('a new attempt (ab-initio) is scored from its own answers, whatever score the LMS still shows', () => {
    const lms = strictLms(memoryLms({ 'cmi.core.entry': 'ab-initio', 'cmi.core.score.raw': '100' }));
    const t = createTracker(data, scormStore(lms.api, () => {}));
    [0, 1, 3, 4].forEach((v) => t.show(v));
    [1, [1], true, 'no', [2, 1, 0]].forEach((a, i) => t.answer(i, a as never, 1000));
    t.finish();
    expect(lms.committed['cmi.core.score.raw']).toBe('0');
    expect(lms.committed['cmi.core.lesson_status']).toBe('failed');
  });
});

describe('answer events reach the LMS exactly once', () => {
  it('answers restored from the browser copy are sent as interactions on the next launch, and only once', () => {
    const copy = shelf();
    const down = strictLms(memoryLms({ 'cmi.core.student_id': 's1' }));
    down.failing = true;
    const t1 = createTracker(data, scormStore(down.api, () => {}, copy, 'k'));
    t1.answer(0, 0, 1500);
    t1.answer(2, true, 2500);
    t1.finish();
    expect(interactionIds(down.committed)).toEqual([]);

    const upInner = memoryLms({ 'cmi.core.student_id': 's1' });
    const up = strictLms(upInner);
    const t2 = createTracker(data, scormStore(up.api, () => {}, copy, 'k'));
    expect(t2.state.answers[2]).toBe(true);
    t2.show(1);
    vi.runOnlyPendingTimers();
    expect(interactionIds(up.committed)).toEqual(['quiz.q1', 'quiz.q3']);
    // The answer events keep their own latency and result.
    expect(up.committed['cmi.interactions.0.latency']).toBe('0000:00:01.50');
    expect(up.committed['cmi.interactions.1.result']).toBe('wrong');
    t2.finish();
    expect(up.violations).toEqual([]);

    // The copy is acknowledged now: a third launch sends nothing again.
    const later = strictLms(memoryLms({ ...upInner.values, 'cmi.core.entry': 'resume' }));
    const t3 = createTracker(data, scormStore(later.api, () => {}, copy, 'k'));
    expect(t3.state.answers[2]).toBe(true);
    t3.show(2);
    t3.finish();
    expect(interactionIds(later.committed)).toEqual([]);
  });

  it('interactions the LMS did commit are not sent again when the copy missed the acknowledgement', () => {
    const copy = shelf();
    const inner = memoryLms({ 'cmi.core.student_id': 's1' });
    const lms = strictLms(inner);
    lms.failing = true;
    const t1 = createTracker(data, scormStore(lms.api, () => {}, copy, 'k'));
    t1.answer(0, 0, 1000);
    vi.advanceTimersByTime(0);
    // The LMS recovers and commits, but the browser copy cannot be updated any more.
    copy.frozen = true;
    lms.failing = false;
    vi.advanceTimersByTime(2000);
    expect(interactionIds(lms.committed)).toEqual(['quiz.q1']);
    // The page dies here, without LMSFinish.

    const again = strictLms(memoryLms({ ...inner.values, 'cmi.core.entry': 'resume' }));
    const t2 = createTracker(data, scormStore(again.api, () => {}, copy, 'k'));
    expect(t2.state.answers[0]).toBe(0);
    t2.show(1);
    t2.finish();
    expect(interactionIds(again.committed)).toEqual([]);
    expect(again.violations).toEqual([]);
  });

  it('answers given before the LMS API appeared are sent once, with their own latency', async () => {
    const { localStore } = await import('../../../src/runtime/store.ts');
    const t = createTracker(data, localStore('k', () => {}));
    t.answer(0, 0, 12_340);
    t.answer(0, 1, 2_000);
    const lms = strictLms(memoryLms());
    t.attach(scormStore(lms.api, () => {}));
    vi.runOnlyPendingTimers();
    expect(interactionIds(lms.committed)).toEqual(['quiz.q1', 'quiz.q1']);
    expect(lms.committed['cmi.interactions.0.latency']).toBe('0000:00:12.34');
    expect(lms.committed['cmi.interactions.1.result']).toBe('wrong');
    t.finish();
    expect(interactionIds(lms.committed)).toHaveLength(2);
    expect(lms.violations).toEqual([]);
  });
});
