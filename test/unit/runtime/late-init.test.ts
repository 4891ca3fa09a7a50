// An LMS reached late: LMSInitialize refused at launch and accepted on a retry, or an
// API that appears after the page started. The tracker and the SCORM 1.2 adapter,
// against an in-memory LMS behind the strict checker that holds a learner's earlier
// session: nothing of it may be overwritten by the fresh page, and nothing the learner
// did meanwhile may be lost. Also the browser copy against newer data from another device.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../../src/runtime/tracker.ts';
import { scormStore } from '../../../src/runtime/scorm12.ts';
import { localStore } from '../../../src/runtime/store.ts';
import { decodeSuspendData, type LearnerState } from '../../../src/runtime/suspend-data.ts';
import { moduleData } from '../../../src/render/view.ts';
import { strictLms } from '../../helpers/strict-scorm12.ts';
import { interactionIds, memoryLms, setCalls, shelf } from '../../helpers/memory-lms.ts';
import { sampleCourse } from '../../helpers/sample-course.ts';

const course = sampleCourse();
const data = moduleData(course, course.modules[0], 'scorm12');
const allRight = [0, [0, 2], false, 'Dignity', [0, 1, 2]];

const saved = (values: Record<string, string>): LearnerState => {
  const s = decodeSuspendData(data.layout, values['cmi.suspend_data']);
  if (!s) throw new Error('no suspend_data the module can read');
  return s;
};
const pagesSeen = (s: LearnerState): number[] => s.visited.flatMap((v, i) => (v ? [i] : []));

/** What the LMS holds after an earlier session: pages 1 and 3 seen, q1 right, q2 answered, a reflection, left on page 3. */
function earlierSession(extra: Record<string, string> = {}): Record<string, string> {
  const first = memoryLms({ 'cmi.core.student_id': 's1', ...extra });
  const t = createTracker(data, scormStore(first, () => {}));
  t.show(1);
  t.show(3);
  t.answer(0, 0, 1000);
  t.answer(1, [0, 2], 1000);
  t.reflect(0, 'earlier thought');
  t.finish();
  return { ...first.values, 'cmi.core.entry': 'resume' };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('LMSInitialize refused at launch, accepted on a retry', () => {
  it('reads the saved progress before writing anything and commits the union of it and what the learner did meanwhile', () => {
    const before = earlierSession();
    expect(interactionIds(before)).toEqual(['quiz.q1', 'quiz.q2']);
    const inner = memoryLms(before);
    const lms = strictLms(inner);
    lms.refuseInitialize = true;
    const notices: boolean[] = [];
    const t = createTracker(data, scormStore(lms.api, (p) => notices.push(p)));
    let merges = 0;
    t.whenMerged(() => merges++);
    // The page starts fresh: nothing could be read.
    expect(t.state.answers).toEqual([]);
    t.show(0);
    t.show(2);
    t.answer(1, [1], 700); // a newer answer to a question saved earlier
    t.answer(2, true, 800); // a question not answered before
    vi.advanceTimersByTime(0);
    expect(lms.initRefused).toBeGreaterThanOrEqual(2);
    expect(notices.at(-1)).toBe(true);
    expect(setCalls(lms)).toEqual([]);
    expect(lms.committed).toEqual({});

    lms.refuseInitialize = false;
    vi.advanceTimersByTime(2000);
    expect(lms.initialised).toBe(1);
    expect(notices.at(-1)).toBe(false);
    expect(merges).toBe(1);
    // Nothing was set before the LMS's record was read.
    const firstSet = lms.calls.findIndex((c) => c[0] === 'LMSSetValue');
    const reads = lms.calls.slice(0, firstSet).filter((c) => c[0] === 'LMSGetValue').map((c) => c[1]);
    expect(reads).toEqual(expect.arrayContaining(['cmi.core.entry', 'cmi.core.lesson_location', 'cmi.suspend_data', 'cmi.core.lesson_status', 'cmi.core.score.raw']));

    const c = lms.committed;
    const s = saved(c);
    expect(pagesSeen(s)).toEqual([0, 1, 2, 3]);
    expect(s.answers[0]).toBe(0); // restored: not touched in this session
    expect(s.answers[1]).toEqual([1]); // the learner's newer answer
    expect(s.answers[2]).toBe(true);
    expect(s.reflections[0]).toBe('earlier thought');
    // The learner moved during this session, so the place is where they are now.
    expect(c['cmi.core.lesson_location']).toBe(data.views[2]);
    // incomplete is what the LMS already has: nothing lower is written.
    expect(setCalls(lms)).not.toContain('cmi.core.lesson_status');
    expect(inner.values['cmi.core.lesson_status']).toBe('incomplete');
    // Answer events given meanwhile follow the ones the LMS already has.
    expect(c['cmi.interactions.2.id']).toBe('quiz.q2');
    expect(c['cmi.interactions.2.latency']).toBe('0000:00:00.70');
    expect(c['cmi.interactions.3.id']).toBe('quiz.q3');
    expect(c['cmi.interactions.0.id']).toBeUndefined();
    // The page shows the restored answers and reflection too.
    expect(t.state.answers[0]).toBe(0);
    expect(t.state.reflections[0]).toBe('earlier thought');
    t.finish();
    expect(lms.finished).toBe(1);
    expect(lms.violations).toEqual([]);
  });

  it('a reflection rewritten meanwhile wins over the saved one, and comments sent meanwhile are added to the LMS\'s', () => {
    const lms = strictLms(memoryLms({ ...earlierSession(), 'cmi.comments': '[m] first comment' }));
    lms.refuseInitialize = true;
    const t = createTracker(data, scormStore(lms.api, () => {}));
    expect(t.reflect(0, 'rewritten today')).toBe(true);
    expect(t.comment('[m] second comment')).toBe(true);
    vi.advanceTimersByTime(0);
    lms.refuseInitialize = false;
    vi.advanceTimersByTime(2000);
    const s = saved(lms.committed);
    expect(s.reflections[0]).toBe('rewritten today');
    expect(s.answers.slice(0, 2)).toEqual([0, [0, 2]]);
    expect(lms.committed['cmi.comments']).toBe('[m] first comment\n[m] second comment');
    t.finish();
    expect(lms.violations).toEqual([]);
  });

  it('a learner who has not moved yet is taken to the saved place', () => {
    const before = earlierSession();
    const lms = strictLms(memoryLms(before));
    lms.refuseInitialize = true;
    const t = createTracker(data, scormStore(lms.api, () => {}));
    t.show(0);
    vi.advanceTimersByTime(0);
    lms.refuseInitialize = false;
    vi.advanceTimersByTime(2000);
    expect(t.state.view).toBe(3);
    expect(lms.committed['cmi.core.lesson_location']).toBe(before['cmi.core.lesson_location']);
    expect(lms.violations).toEqual([]);
  });

  it('never lowers a passed status nor the score the LMS holds', () => {
    const first = memoryLms({ 'cmi.student_data.mastery_score': '80' });
    const t1 = createTracker(data, scormStore(first, () => {}));
    [0, 1, 3, 4].forEach((v) => t1.show(v));
    allRight.forEach((a, i) => t1.answer(i, a as never, 1000));
    t1.finish();
    expect(first.values['cmi.core.lesson_status']).toBe('passed');
    const lms = strictLms(memoryLms({ ...first.values, 'cmi.core.entry': 'resume' }));
    lms.refuseInitialize = true;
    const t = createTracker(data, scormStore(lms.api, () => {}));
    t.show(0);
    t.answer(0, 1, 500); // now wrong
    vi.advanceTimersByTime(0);
    lms.refuseInitialize = false;
    vi.advanceTimersByTime(2000);
    t.finish();
    const statuses = lms.calls.filter((c) => c[0] === 'LMSSetValue' && c[1] === 'cmi.core.lesson_status').map((c) => c[2]);
    expect(statuses.every((v) => v === 'passed')).toBe(true);
    const scores = lms.calls.filter((c) => c[0] === 'LMSSetValue' && c[1] === 'cmi.core.score.raw').map((c) => c[2]);
    expect(scores.every((v) => v === '100')).toBe(true);
    expect(lms.moodleStatus).toBe('passed');
    expect(lms.committed['cmi.core.exit']).toBe('');
    // The other answers are still those of the earlier session.
    expect(saved(lms.committed).answers.slice(1)).toEqual(allRight.slice(1));
    expect(lms.violations).toEqual([]);
  });

  it('an LMS that recovers only as the learner exits still gets the merge, the session time and LMSFinish', () => {
    let now = 5_000_000;
    const lms = strictLms(memoryLms(earlierSession()));
    lms.refuseInitialize = true;
    const t = createTracker(data, scormStore(lms.api, () => {}), () => now);
    t.answer(2, true, 500);
    t.comment('[m] sent while the LMS was away');
    vi.advanceTimersByTime(0);
    lms.refuseInitialize = false;
    now += 61_000;
    t.finish();
    const c = lms.committed;
    expect(lms.finished).toBe(1);
    expect(c['cmi.core.session_time']).toBe('0000:01:01.00');
    expect(saved(c).answers.slice(0, 3)).toEqual([0, [0, 2], true]);
    expect(c['cmi.comments']).toBe('[m] sent while the LMS was away');
    expect(lms.violations).toEqual([]);
  });

  it('an LMS that never recovers gets no call but the refused LMSInitialize attempts', () => {
    const lms = strictLms(memoryLms(earlierSession()));
    lms.refuseInitialize = true;
    const t = createTracker(data, scormStore(lms.api, () => {}));
    t.show(2);
    t.answer(2, true, 500);
    vi.advanceTimersByTime(60_000);
    t.finish();
    expect(lms.calls.every((c) => c[0] === 'LMSInitialize' || c[0] === 'LMSGetLastError')).toBe(true);
    expect(lms.initRefused).toBeGreaterThan(2);
    expect(lms.violations).toEqual([]);
  });

  it('a late LMS that says review gets nothing of the record, and the saved answers are shown', () => {
    const lms = strictLms(memoryLms({ ...earlierSession(), 'cmi.core.entry': '', 'cmi.core.lesson_mode': 'review', 'cmi.core.credit': 'no-credit' }));
    lms.refuseInitialize = true;
    const t = createTracker(data, scormStore(lms.api, () => {}));
    t.show(2);
    t.answer(2, true, 500);
    vi.advanceTimersByTime(0);
    lms.refuseInitialize = false;
    vi.advanceTimersByTime(2000);
    expect(t.mode()).toBe('review');
    expect(t.state.answers[1]).toEqual([0, 2]);
    t.answer(3, 'more', 500);
    vi.runOnlyPendingTimers();
    t.finish();
    expect(setCalls(lms)).toEqual([]);
    expect(lms.finished).toBe(1);
    expect(lms.violations).toEqual([]);
  });

  it('a new attempt (ab-initio) read late keeps only this session: old suspend_data and score are not inherited', () => {
    const before = earlierSession();
    const lms = strictLms(memoryLms({ ...before, 'cmi.core.entry': 'ab-initio', 'cmi.core.score.raw': '100' }));
    lms.refuseInitialize = true;
    const t = createTracker(data, scormStore(lms.api, () => {}));
    t.answer(2, true, 500);
    vi.advanceTimersByTime(0);
    lms.refuseInitialize = false;
    vi.advanceTimersByTime(2000);
    const s = saved(lms.committed);
    expect(s.answers[0]).toBeUndefined();
    expect(s.answers[2]).toBe(true);
    expect(lms.violations).toEqual([]);
  });
});

describe('an LMS API that appears after launch', () => {
  it('merges the saved progress with the answers given before it appeared', () => {
    const t = createTracker(data, localStore('late-init-k', () => {}));
    t.show(2);
    t.answer(2, true, 3_000);
    const lms = strictLms(memoryLms(earlierSession()));
    t.attach(scormStore(lms.api, () => {}));
    vi.runOnlyPendingTimers();
    const s = saved(lms.committed);
    expect(pagesSeen(s)).toEqual([1, 2, 3]);
    expect(s.answers.slice(0, 3)).toEqual([0, [0, 2], true]);
    expect(s.reflections[0]).toBe('earlier thought');
    expect(interactionIds(lms.committed)).toEqual(['quiz.q3']);
    expect(lms.committed['cmi.interactions.2.latency']).toBe('0000:00:03.00');
    expect(lms.violations).toEqual([]);
  });

  it('an API that appears late and also refuses LMSInitialize at first is merged once it accepts', () => {
    const t = createTracker(data, localStore('late-init-k2', () => {}));
    t.show(2);
    t.answer(2, true, 500);
    const lms = strictLms(memoryLms(earlierSession()));
    lms.refuseInitialize = true;
    t.attach(scormStore(lms.api, () => {}));
    t.answer(3, 'Dignity', 500);
    vi.advanceTimersByTime(0);
    expect(setCalls(lms)).toEqual([]);
    lms.refuseInitialize = false;
    vi.advanceTimersByTime(2000);
    const s = saved(lms.committed);
    expect(s.answers.slice(0, 4)).toEqual([0, [0, 2], true, 'Dignity']);
    expect(interactionIds(lms.committed)).toEqual(['quiz.q3', 'quiz.q4']);
    t.finish();
    expect(lms.violations).toEqual([]);
  });
});

describe('a browser copy the LMS never acknowledged, against newer data from another device', () => {
  it('is merged item by item: changes made only in this browser are kept, the later device wins where both changed', () => {
    const copy = shelf();
    // Browser A: the first answer reaches the LMS, then it refuses commits until the learner leaves.
    const a = strictLms(memoryLms({ 'cmi.core.student_id': 's1' }));
    const tA = createTracker(data, scormStore(a.api, () => {}, copy, 'k'));
    tA.answer(0, 0, 1000);
    vi.runOnlyPendingTimers();
    expect(saved(a.committed).answers[0]).toBe(0);
    a.failing = true;
    tA.answer(1, [0], 1000);
    tA.answer(2, true, 1000);
    tA.show(3);
    tA.finish();

    // Device B, later: the LMS (holding what A committed) accepts; the learner changes q1, answers q3 differently, writes a reflection.
    const bInner = memoryLms({ 'cmi.core.student_id': 's1', ...a.committed, 'cmi.core.entry': 'resume' });
    const b = strictLms(bInner);
    const tB = createTracker(data, scormStore(b.api, () => {}));
    tB.show(1);
    tB.answer(0, 1, 1000);
    tB.answer(2, false, 1000);
    tB.reflect(0, 'from my phone');
    tB.finish();
    expect(b.violations).toEqual([]);
    const onLms = { ...bInner.values, 'cmi.core.entry': 'resume' };

    // Browser A again: neither side may win outright.
    const again = strictLms(memoryLms(onLms));
    const t = createTracker(data, scormStore(again.api, () => {}, copy, 'k'));
    expect(t.state.answers[0]).toBe(1); // changed on B only
    expect(t.state.answers[1]).toEqual([0]); // given in A only, never confirmed
    expect(t.state.answers[2]).toBe(false); // changed on both: B saved it later
    expect(t.state.reflections[0]).toBe('from my phone');
    expect(t.state.view).toBe(1); // the LMS's place moved since the copy was written
    t.show(1);
    t.finish();
    const s = saved(again.committed);
    expect(s.answers.slice(0, 3)).toEqual([1, [0], false]);
    expect(pagesSeen(s)).toEqual([1, 3]);
    // The answer events A could not send reach the LMS after B's, once.
    expect(interactionIds(again.committed)).toEqual(['quiz.q2', 'quiz.q3']);
    expect(again.violations).toEqual([]);
  });

  it('wins where the LMS has not changed since: an answer changed while the LMS refused is kept', () => {
    const copy = shelf();
    const lms = strictLms(memoryLms({ 'cmi.core.student_id': 's1' }));
    const t1 = createTracker(data, scormStore(lms.api, () => {}, copy, 'k'));
    t1.answer(0, 0, 1000);
    t1.show(2);
    vi.runOnlyPendingTimers();
    lms.failing = true;
    t1.answer(0, 1, 1000);
    t1.show(4);
    t1.finish();
    expect(saved(lms.committed).answers[0]).toBe(0);

    // The LMS holds only what was committed before it started refusing.
    const t2 = createTracker(data, scormStore(memoryLms({ 'cmi.core.student_id': 's1', ...lms.committed, 'cmi.core.entry': 'resume' }), () => {}, copy, 'k'));
    expect(t2.state.answers[0]).toBe(1);
    expect(t2.state.view).toBe(4);
  });
});
