// End to end in real headless Chromium: an LMS that refuses LMSInitialize at launch
// and accepts it later, while it holds the learner's earlier session. The example
// course is built into its SCORM 1.2 zip by the real pipeline and served by the test
// LMS (scorm-again behind the strict SCORM 1.2 checker); the learner works through
// the visible controls before the LMS recovers. Nothing of either session may be lost.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeSuspendData, encodeSuspendData, type Answer } from '../../src/runtime/suspend-data.ts';
import type { ModuleData, QuestionData } from '../../src/runtime/module-data.ts';
import { exitSco, lmsState } from '../helpers/lms-server.ts';
import { answer, openViewOf, scoFrame, verdict, visibleView } from '../helpers/learner.ts';
import { startScormE2e, type ScormE2e } from '../helpers/scorm-e2e.ts';
import type { StrictLms } from '../helpers/strict-scorm12.ts';

let e2e: ScormE2e;
let data: ModuleData;

/** The answer the learner helper gives (right or wrong), as the runtime stores it. */
function answerOf(q: QuestionData, right: boolean): Answer {
  switch (q.type) {
    case 'single-choice':
      return right ? q.correct : (q.correct + 1) % q.choices.length;
    case 'multiple-response':
      return q.choices.map((_, i) => i).filter((i) => q.correct.includes(i) === right);
    case 'true-false':
      return right ? q.correct : !q.correct;
    case 'fill-in':
      return right ? q.answers[0] : 'certainly not this';
    case 'matching':
      return Array.from({ length: q.pairs }, (_, k) => (right ? k : (k + 1) % q.pairs));
  }
}

beforeAll(async () => {
  e2e = await startScormE2e({ prefix: 'coursepack-late-init-', targets: ['scorm12'] });
  data = e2e.built.data;
});

afterEach(() => {
  expect(e2e?.pageErrors.splice(0)).toEqual([]);
});

afterAll(() => e2e?.close());

describe('an LMS that refuses LMSInitialize at launch and recovers later', () => {
  it('keeps the earlier session and what the learner did meanwhile: the LMS ends with the union', async () => {
    expect(data.pages.length).toBeGreaterThanOrEqual(4);
    const [q1, q2, q3] = data.questions;
    const reflection = data.reflections[0];
    // The earlier session, as the LMS holds it: first pages seen, q1 right, q2 wrong, a reflection, left on page 2.
    const earlier = {
      view: 1,
      visited: [true, true],
      answers: [answerOf(q1, true), answerOf(q2, false)],
      reflections: reflection ? ['Written last week.'] : [],
    };
    const page = await e2e.launch({
      refuseInitialize: true,
      cmi: {
        core: { entry: 'resume', lesson_status: 'incomplete', lesson_location: data.views[1], student_id: 's1' },
        suspend_data: encodeSuspendData(data.layout, earlier),
      },
    });
    const frame = await scoFrame(page);
    await frame.waitForSelector('#cp-notice:has-text("may not be saved")');
    // Nothing could be read: the page starts fresh, without the earlier answers.
    await openViewOf(frame, q1.dom);
    expect(await verdict(frame, q1.dom)).toBe('');

    // Before the LMS recovers: a page not seen before, a newer answer to q2, a first answer to q3.
    const lastPage = data.pages.length - 1;
    await frame.click(`.cp-toc a[data-view="${lastPage}"]`);
    await frame.waitForSelector(`#${data.views[lastPage]}:not([hidden])`);
    await answer(frame, q2, true);
    await answer(frame, q3, true);
    const leftOn = await visibleView(frame);
    await page.waitForFunction(() => (window as unknown as { __lms: StrictLms }).__lms.initRefused >= 2);
    const during = await lmsState(page);
    expect(during.initialised).toBe(0);
    expect(during.calls.filter((c) => c[0] === 'LMSSetValue')).toEqual([]);

    await page.evaluate(() => ((window as unknown as { __lms: StrictLms }).__lms.refuseInitialize = false));
    await page.waitForFunction(() => (window as unknown as { __lms: StrictLms }).__lms.commits.ok > 0, undefined, { timeout: 40_000 });
    await frame.waitForSelector('#cp-notice:empty', { state: 'attached' });

    // The earlier answer and reflection are back on screen; the learner's own stay as given.
    expect(await visibleView(frame)).toBe(leftOn);
    await openViewOf(frame, q1.dom);
    expect(await verdict(frame, q1.dom)).toBe('correct');
    expect(await verdict(frame, q2.dom)).toBe('correct');
    if (reflection) {
      await openViewOf(frame, reflection.dom);
      expect(await frame.inputValue(`#${reflection.dom} textarea`)).toBe('Written last week.');
    }
    const seen = Number((await frame.textContent('#cp-progress-text'))!.split(' ')[0]);
    expect(seen).toBeGreaterThanOrEqual(3);

    const exitOn = await visibleView(frame);
    const s = await exitSco(page, frame);
    expect(s.violations).toEqual([]);
    expect(s.initialised).toBe(1);
    expect(s.initRefused).toBeGreaterThanOrEqual(2);
    expect(s.finished).toBe(1);
    const c = s.committed;
    const state = decodeSuspendData(data.layout, c['cmi.suspend_data'])!;
    expect(state).not.toBeNull();
    // Union of pages: the earlier ones and the one visited while the LMS was away.
    expect(state.visited[0] && state.visited[1] && state.visited[lastPage]).toBe(true);
    expect(state.answers[0]).toEqual(answerOf(q1, true));
    expect(state.answers[1]).toEqual(answerOf(q2, true));
    expect(state.answers[2]).toEqual(answerOf(q3, true));
    if (reflection) expect(state.reflections[0]).toBe('Written last week.');
    expect(c['cmi.core.lesson_location']).toBe(exitOn);
    expect(c['cmi.interactions.0.id']).toBe(q2.iid);
    expect(c['cmi.interactions.1.id']).toBe(q3.iid);
    expect(c['cmi.interactions.1.result']).toBe('correct');
    // Status is never lowered: not every page is seen, so it stays incomplete.
    expect(s.moodleStatus).toBe('incomplete');
    expect(c['cmi.core.exit']).toBe('suspend');
    await page.close();
  });

  it('an API that appears after launch over saved data gets the union too, and the saved answers come back on screen', async () => {
    const [q1, q2] = data.questions;
    const earlier = { view: 1, visited: [true, true], answers: [answerOf(q1, true)], reflections: [] };
    const page = await e2e.launch({
      apiDelayMs: 5000,
      cmi: { core: { entry: 'resume', lesson_status: 'incomplete', lesson_location: data.views[1] }, suspend_data: encodeSuspendData(data.layout, earlier) },
    });
    const frame = await scoFrame(page);
    await frame.waitForSelector('#cp-notice:has-text("No learning system")');
    const lastPage = data.pages.length - 1;
    await frame.click(`.cp-toc a[data-view="${lastPage}"]`);
    await answer(frame, q2, false);
    expect(await page.evaluate(() => (window as unknown as { __lms: StrictLms }).__lms.initialised)).toBe(0);

    await page.waitForFunction(() => (window as unknown as { __lms: StrictLms }).__lms.commits.ok > 0, undefined, { timeout: 40_000 });
    await frame.waitForSelector('#cp-notice:empty', { state: 'attached' });
    await openViewOf(frame, q1.dom);
    expect(await verdict(frame, q1.dom)).toBe('correct');
    expect(await verdict(frame, q2.dom)).toBe('wrong');
    const s = await exitSco(page, frame);
    expect(s.violations).toEqual([]);
    const state = decodeSuspendData(data.layout, s.committed['cmi.suspend_data'])!;
    expect(state.visited[0] && state.visited[1] && state.visited[lastPage]).toBe(true);
    expect(state.answers.slice(0, 2)).toEqual([answerOf(q1, true), answerOf(q2, false)]);
    expect(s.committed['cmi.interactions.0.id']).toBe(q2.iid);
    expect(s.committed['cmi.interactions.0.result']).toBe('wrong');
    await page.close();
  });
});
