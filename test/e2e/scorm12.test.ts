// End to end in real headless Chromium: the example course is built into its SCORM 1.2
// zip by the real pipeline, served by a test LMS that hosts scorm-again as window.API
// behind a strict SCORM 1.2 checker, and a learner works through it in an iframe.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { decodeSuspendData } from '../../src/runtime/suspend-data.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import { exitSco, lmsState, unloadSco, type LmsView, type TestLms } from '../helpers/lms-server.ts';
import { answer, verdict, nextToEnd, openViewOf, reflect, scoFrame, sendComment, visibleView } from '../helpers/learner.ts';
import { startScormE2e, type ScormE2e } from '../helpers/scorm-e2e.ts';
import type { StrictLms } from '../helpers/strict-scorm12.ts';
import { interactionIds } from '../helpers/memory-lms.ts';
const TIMESPAN = /^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$/;
const TYPE_OF: Record<string, string> = {
  'single-choice': 'choice',
  'multiple-response': 'choice',
  'true-false': 'true-false',
  'fill-in': 'fill-in',
  matching: 'matching',
};

let e2e: ScormE2e;
let browser: Browser;
let lms: TestLms;
let data: ModuleData;
let href: string;

const launch = (cmi?: Record<string, unknown>, apiDelayMs?: number): Promise<Page> => e2e.launch({ cmi, apiDelayMs });

/**
 * Launched with `core` (and the module's mastery score), the SCO shows `notice`; the learner
 * walks every view, answers every question right and exits: what the LMS then holds.
 */
async function allRightIn(core: Record<string, string>, notice: string): Promise<{ page: Page; s: LmsView }> {
  const page = await launch({ core, student_data: { mastery_score: String(data.passMark) } });
  const frame = await scoFrame(page);
  await frame.waitForSelector(`#cp-notice.cp-notice-info:has-text("${notice}")`);
  await nextToEnd(frame);
  for (const q of data.questions) await answer(frame, q, true);
  return { page, s: await exitSco(page, frame) };
}

beforeAll(async () => {
  e2e = await startScormE2e({ prefix: 'coursepack-e2e-', targets: ['scorm12', 'web'] });
  ({ lms, browser } = e2e);
  ({ href, data } = e2e.built);
});

/** Uncaught errors in any page: every test ends by asserting there were none. */
afterEach(() => {
  expect(e2e?.pageErrors.splice(0)).toEqual([]);
});

afterAll(() => e2e?.close());

describe('SCORM 1.2 module in a strict test LMS', () => {
  it('completing the module records passed, score 100, every interaction and a comment', async () => {
    const page = await launch();
    const frame = await scoFrame(page);
    expect(data.questions.length).toBeGreaterThanOrEqual(5);
    expect(new Set(data.questions.map((q) => q.type)).size).toBe(5);

    const steps = await nextToEnd(frame);
    expect(steps).toBe(data.views.length - 1);
    for (const q of data.questions) await answer(frame, q, true);
    for (const q of data.questions) expect(await verdict(frame, q.dom), q.iid).toBe('correct');
    for (const r of data.reflections) await reflect(frame, r, 'Patients taught me to listen.');
    await sendComment(frame, 'Clear and useful.', data.feedback.rating ? 5 : undefined);
    expect(await frame.textContent('#cp-progress-text')).toBe(`${data.pages.length} of ${data.pages.length} pages viewed`);

    const s = await exitSco(page, frame);
    expect(s.violations).toEqual([]);
    expect(s.initialised).toBe(1);
    expect(s.finished).toBe(1);
    const c = s.committed;
    expect(c['cmi.core.lesson_status']).toBe('passed');
    expect(c['cmi.core.score.raw']).toBe('100');
    expect(c['cmi.core.score.min']).toBe('0');
    expect(c['cmi.core.score.max']).toBe('100');
    expect(c['cmi.core.exit']).toBe('');
    expect(c['cmi.core.session_time']).toMatch(TIMESPAN);
    expect(c['cmi.comments']).toContain('Rating 5/5. Clear and useful.');
    data.questions.forEach((q, n) => {
      expect(c[`cmi.interactions.${n}.id`]).toBe(q.iid);
      expect(c[`cmi.interactions.${n}.type`]).toBe(TYPE_OF[q.type]);
      expect(c[`cmi.interactions.${n}.result`]).toBe('correct');
      expect(c[`cmi.interactions.${n}.correct_responses.0.pattern`]).toBe(c[`cmi.interactions.${n}.student_response`]);
      expect(c[`cmi.interactions.${n}.latency`]).toMatch(TIMESPAN);
    });
    expect(await frame.textContent('#cp-notice')).toContain('You can now close');
    // Unloading after Exit must not call the API again.
    await page.evaluate(() => ((document.getElementById('sco') as HTMLIFrameElement).src = 'about:blank'));
    await page.waitForTimeout(200);
    const after = await lmsState(page);
    expect(after.finished).toBe(1);
    expect(after.violations).toEqual([]);
    await page.close();
  });

  it('leaving half-way and relaunching with the saved data returns to the same page with answers kept', async () => {
    // Moodle passes adlcp:masteryscore as mastery_score, and judges score.raw against it on LMSFinish.
    const page = await launch({ student_data: { mastery_score: String(data.passMark) } });
    let frame = await scoFrame(page);
    const [q1, q2] = data.questions;
    await answer(frame, q1, true);
    await answer(frame, q2, false);
    const reflection = data.reflections[0];
    if (reflection) {
      await openViewOf(frame, reflection.dom);
      await frame.fill(`#${reflection.dom} textarea`, 'Half-way thoughts, with "quotes" and ünïcode.');
      await frame.click(`#${reflection.dom} button[type=submit]`);
    }
    await frame.click('.cp-toc a[data-view="1"]');
    const leftOn = await visibleView(frame);
    await unloadSco(page);
    const first = await lmsState(page);
    expect(first.violations).toEqual([]);
    const saved = first.committed;
    expect(saved['cmi.core.lesson_status']).toBe('incomplete');
    expect(saved['cmi.core.score.raw']).toBeUndefined();
    expect(first.moodleStatus).toBe('incomplete');
    expect(saved['cmi.core.exit']).toBe('suspend');
    expect(saved['cmi.core.lesson_location']).toBe(leftOn);
    expect(saved['cmi.interactions.1.result']).toBe('wrong');
    expect(decodeSuspendData(data.layout, saved['cmi.suspend_data'])).not.toBeNull();
    await page.close();

    // What Moodle hands back on the next launch after exit = suspend.
    const page2 = await launch({
      core: {
        entry: 'resume',
        lesson_status: saved['cmi.core.lesson_status'],
        lesson_location: saved['cmi.core.lesson_location'],
        score: { raw: saved['cmi.core.score.raw'] ?? '', min: '0', max: '100' },
      },
      suspend_data: saved['cmi.suspend_data'],
    });
    frame = await scoFrame(page2);
    expect(await visibleView(frame)).toBe(leftOn);
    await openViewOf(frame, q1.dom);
    expect(await verdict(frame, q1.dom)).toBe('correct');
    expect(await verdict(frame, q2.dom)).toBe('wrong');
    const checked = await frame.$$eval(`#${q1.dom} input:checked, #${q1.dom} input[type=text]`, (els) => els.map((e) => (e as HTMLInputElement).value));
    expect(checked.length).toBeGreaterThan(0);
    if (reflection) {
      await openViewOf(frame, reflection.dom);
      expect(await frame.inputValue(`#${reflection.dom} textarea`)).toBe('Half-way thoughts, with "quotes" and ünïcode.');
    }
    await frame.click('#cp-exit');
    const second = await lmsState(page2);
    expect(second.violations).toEqual([]);
    expect(second.committed['cmi.core.lesson_status'] ?? 'incomplete').toBe('incomplete');
    await page2.close();
  });

  it('keeps working while the LMS refuses commits, says so, and saves everything once it recovers', async () => {
    const page = await launch();
    const frame = await scoFrame(page);
    await page.evaluate(() => ((window as unknown as { __lms: StrictLms }).__lms.failing = true));
    const [q1, q2, q3] = data.questions;
    await answer(frame, q1, true);
    await frame.waitForSelector('#cp-notice:has-text("may not be saved")');
    await answer(frame, q2, true);
    await frame.click('#cp-next');
    const during = await lmsState(page);
    expect(during.commits.failed).toBeGreaterThan(0);
    expect(during.committed['cmi.interactions.0.id']).toBeUndefined();
    // The runtime retries on its own while the LMS is still refusing.
    await page.waitForFunction(() => (window as unknown as { __lms: StrictLms }).__lms.commits.failed >= 2, undefined, { timeout: 10_000 });
    expect(await frame.textContent('#cp-notice')).toContain('may not be saved');

    await page.evaluate(() => ((window as unknown as { __lms: StrictLms }).__lms.failing = false));
    await frame.waitForSelector('#cp-notice:empty', { state: 'attached', timeout: 40_000 });
    await answer(frame, q3, false);
    await frame.click('#cp-exit');
    const s = await lmsState(page);
    expect(s.violations).toEqual([]);
    expect(s.commits.failed).toBeGreaterThanOrEqual(2);
    expect(s.committed['cmi.interactions.0.id']).toBe(q1.iid);
    expect(s.committed['cmi.interactions.1.id']).toBe(q2.iid);
    expect(s.committed['cmi.interactions.2.result']).toBe('wrong');
    const state = decodeSuspendData(data.layout, s.committed['cmi.suspend_data'])!;
    expect(state.answers.filter((a) => a !== undefined)).toHaveLength(3);
    await page.close();
  });

  it('a learner who leaves while the LMS is still refusing gets the answers back on the next launch in this browser', async () => {
    const context = await browser.newContext();
    const page = await e2e.launch({}, context);
    const frame = await scoFrame(page);
    await page.evaluate(() => ((window as unknown as { __lms: StrictLms }).__lms.failing = true));
    const q = data.questions[0];
    await answer(frame, q, true);
    const leftOn = await visibleView(frame);
    await unloadSco(page);
    const lost = (await lmsState(page)).committed;
    expect(lost['cmi.interactions.0.id']).toBeUndefined();
    expect(decodeSuspendData(data.layout, lost['cmi.suspend_data'])!.answers.every((a) => a === undefined)).toBe(true);

    // The LMS only has the state from before it started refusing; the next launch (same browser, same student) still has the answer.
    await page.goto(lms.launchUrl({ pkg: 'scorm12', href }));
    const again = await scoFrame(page);
    expect(await visibleView(again)).toBe(leftOn);
    expect(await verdict(again, q.dom)).toBe('correct');
    await again.click('#cp-exit');
    const s = await lmsState(page);
    expect(s.violations).toEqual([]);
    expect(decodeSuspendData(data.layout, s.committed['cmi.suspend_data'])!.answers[0]).toBeDefined();
    // The answer given while the LMS was refusing reaches it as an interaction, once.
    expect(interactionIds(s.committed)).toEqual([q.iid]);
    expect(s.committed['cmi.interactions.0.result']).toBe('correct');

    // A third launch from what the LMS now holds sends nothing twice.
    await page.goto(lms.launchUrl({ pkg: 'scorm12', href, cmi: { core: { entry: 'resume', lesson_location: s.committed['cmi.core.lesson_location'] }, suspend_data: s.committed['cmi.suspend_data'] } }));
    const third = await scoFrame(page);
    expect(await verdict(third, q.dom)).toBe('correct');
    await third.click('#cp-next');
    await third.click('#cp-exit');
    const t = await lmsState(page);
    expect(t.violations).toEqual([]);
    expect(interactionIds(t.committed)).toEqual([]);
    await context.close();
  });

  it('without an LMS API the module still works, says progress is only in this browser, and resumes from localStorage', async () => {
    const page = await e2e.newPage();
    await page.goto(`${lms.url}/pkg/scorm12/${href}`);
    const frame = await scoFrame(page);
    await frame.waitForSelector('#cp-notice:has-text("No learning system")');
    const q = data.questions[0];
    await answer(frame, q, true);
    await frame.click('.cp-toc a[data-view="2"]');
    await page.reload();
    const again = await scoFrame(page);
    expect(await visibleView(again)).toBe(data.views[2]);
    await openViewOf(again, q.dom);
    expect(await verdict(again, q.dom)).toBe('correct');
    await page.close();
  });

  it('an LMS API that appears after launch is found, and gets the progress made before it', async () => {
    const page = await launch(undefined, 1500);
    const frame = await scoFrame(page);
    await frame.waitForSelector('#cp-notice:has-text("No learning system")');
    const q = data.questions[0];
    await answer(frame, q, true);
    await frame.waitForSelector('#cp-notice:empty', { state: 'attached', timeout: 15_000 });
    await page.waitForFunction(() => (window as unknown as { __lms: StrictLms }).__lms.commits.ok > 0);
    const s = await lmsState(page);
    expect(s.violations).toEqual([]);
    expect(s.committed['cmi.core.lesson_status']).toBe('incomplete');
    expect(s.committed['cmi.core.lesson_location']).toBe(await visibleView(frame));
    expect(s.committed['cmi.interactions.0.id']).toBe(q.iid);
    expect(s.committed['cmi.interactions.0.result']).toBe('correct');
    await frame.click('#cp-exit');
    expect((await lmsState(page)).finished).toBe(1);
    await page.close();
  });

  it('after passing, changing right answers to wrong ones keeps the best score, so Moodle keeps passed', async () => {
    const page = await launch({ student_data: { mastery_score: String(data.passMark) } });
    const frame = await scoFrame(page);
    await nextToEnd(frame);
    for (const q of data.questions) await answer(frame, q, true);
    const [q1, q2] = data.questions;
    await answer(frame, q1, false);
    await answer(frame, q2, false);
    const quizScore = await frame.textContent(`.cp-score[data-quiz="${q1.quiz}"]`);
    expect(quizScore).toContain('Your recorded score stays at your best result, 100%.');
    const s = await exitSco(page, frame);
    expect(s.violations).toEqual([]);
    expect(s.committed['cmi.core.score.raw']).toBe('100');
    expect(s.committed['cmi.core.lesson_status']).toBe('passed');
    expect(s.moodleStatus).toBe('passed');
    // Every answer event is reported: the right answers, then the two changed ones.
    expect(interactionIds(s.committed)).toEqual([...data.questions.map((q) => q.iid), q1.iid, q2.iid]);
    expect(s.committed[`cmi.interactions.${data.questions.length}.result`]).toBe('wrong');
    await page.close();
  });

  it('review mode shows the recorded answers, says they are not recorded, and writes nothing', async () => {
    // A finished attempt, as the first test leaves it.
    const first = await launch();
    let frame = await scoFrame(first);
    await nextToEnd(frame);
    for (const q of data.questions) await answer(frame, q, true);
    await frame.click('#cp-exit');
    const done = (await lmsState(first)).committed;
    expect(done['cmi.core.lesson_status']).toBe('passed');
    await first.close();

    const page = await launch({
      core: { lesson_mode: 'review', credit: 'no-credit', entry: '', lesson_status: 'passed', lesson_location: done['cmi.core.lesson_location'], score: { raw: '100', min: '0', max: '100' } },
      suspend_data: done['cmi.suspend_data'],
    });
    frame = await scoFrame(page);
    await frame.waitForSelector('#cp-notice.cp-notice-info:has-text("Review mode: your answers are not recorded.")');
    expect(await frame.$eval('#cp-notice', (el) => el.classList.contains('cp-notice-on'))).toBe(false);
    for (const q of data.questions) {
      await openViewOf(frame, q.dom);
      expect(await verdict(frame, q.dom), q.iid).toBe('correct');
    }
    await answer(frame, data.questions[0], false);
    expect(await verdict(frame, data.questions[0].dom)).toBe('wrong');
    await frame.click('.cp-toc a[data-view="0"]');
    await frame.click('#cp-exit');
    expect(await frame.textContent('#cp-notice')).toBe('You can now close this window.');
    const s = await lmsState(page);
    expect(s.violations).toEqual([]);
    expect(s.finished).toBe(1);
    expect(s.calls.filter((c) => c[0] === 'LMSSetValue')).toEqual([]);
    expect(s.committed).toEqual({});
    expect(s.moodleStatus).toBe('passed');
    await page.close();
  });

  it('browse mode records the look as browsed, never a score or passed, and Moodle does not turn it into completed', async () => {
    const { page, s } = await allRightIn({ lesson_mode: 'browse', credit: 'no-credit' }, 'Browse mode');
    expect(s.violations).toEqual([]);
    expect(s.committed['cmi.core.lesson_status']).toBe('browsed');
    expect(Object.keys(s.committed).filter((k) => k.startsWith('cmi.core.score'))).toEqual([]);
    expect(s.moodleStatus).toBe('browsed');
    // Place and answers are kept so a later launch can carry on.
    expect(decodeSuspendData(data.layout, s.committed['cmi.suspend_data'])!.answers.filter((a) => a !== undefined)).toHaveLength(data.questions.length);
    expect(interactionIds(s.committed)).toEqual(data.questions.map((q) => q.iid));
    await page.close();
  });

  it('a normal launch without credit says the result does not count, and still reports it for the LMS to judge', async () => {
    const { page, s } = await allRightIn({ lesson_mode: 'normal', credit: 'no-credit' }, 'not for credit');
    expect(s.violations).toEqual([]);
    expect(s.committed['cmi.core.lesson_status']).toBe('passed');
    expect(s.committed['cmi.core.score.raw']).toBe('100');
    await page.close();
  });

  it('the web target keeps progress in localStorage without any notice', async () => {
    const page = await e2e.newPage();
    await page.goto(`${lms.url}/pkg/web/${href}`);
    const frame = await scoFrame(page);
    expect(await frame.textContent('#cp-notice')).toBe('');
    await frame.click('#cp-next');
    await page.reload();
    expect(await visibleView(await scoFrame(page))).toBe(data.views[1]);
    await page.close();
  });
});
