// End to end in real headless Chromium: the SCO in a pop-up window, as Moodle's "New
// window" display and many Blackboard set-ups launch it. The LMS page keeps window.API
// (scorm-again behind the strict SCORM 1.2 checker) and opens the module with
// window.open, so the runtime finds the API through window.opener, not its parents.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { decodeSuspendData } from '../../src/runtime/suspend-data.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import { lmsState, scoFinished } from '../helpers/lms-server.ts';
import { answer, verdict, visibleView } from '../helpers/learner.ts';
import { startScormE2e, type ScormE2e } from '../helpers/scorm-e2e.ts';

let e2e: ScormE2e;
let data: ModuleData;

beforeAll(async () => {
  e2e = await startScormE2e({ prefix: 'coursepack-popup-', targets: ['scorm12'] });
  data = e2e.built.data;
});

afterEach(() => {
  expect(e2e?.pageErrors.splice(0)).toEqual([]);
});

afterAll(() => e2e?.close());

/** The LMS page and the module it opened in a pop-up, once the module is ready. */
async function launchInPopup(): Promise<{ lms: Page; sco: Page }> {
  const lms = await e2e.launch({ display: 'popup', cmi: { core: { student_id: 's1', student_name: 'Learner, Pat' } } });
  const [sco] = await Promise.all([lms.waitForEvent('popup'), lms.click('#launch')]);
  sco.on('pageerror', (e) => e2e.pageErrors.push(e.message));
  await sco.waitForSelector('html.cp-ready');
  return { lms, sco };
}

describe('SCORM 1.2 module in a pop-up window', () => {
  it('finds the API through the opener, tracks, and on Exit finishes once and closes its window', async () => {
    const { lms, sco } = await launchInPopup();
    expect(await sco.evaluate(() => window.opener !== null && window.parent === window)).toBe(true);
    await sco.click('#cp-next');
    const q = data.questions[0]!;
    await answer(sco.mainFrame(), q, true);
    expect(await verdict(sco, q.dom)).toBe('correct');
    const where = await visibleView(sco.mainFrame());

    const closed = sco.waitForEvent('close');
    await sco.click('#cp-exit');
    await scoFinished(lms);
    await closed;
    const s = await lmsState(lms);
    expect(s.violations).toEqual([]);
    expect(s.initialised).toBe(1);
    expect(s.finished).toBe(1);
    expect(s.committed['cmi.core.lesson_status']).toBe('incomplete');
    expect(s.committed['cmi.core.exit']).toBe('suspend');
    expect(s.committed['cmi.core.lesson_location']).toBe(where);
    expect(s.committed['cmi.interactions.0.id']).toBe(q.iid);
    expect(s.committed['cmi.interactions.0.result']).toBe('correct');
  });

  it('when the learner closes the pop-up, the LMS keeps where they were and their answer', async () => {
    const { lms, sco } = await launchInPopup();
    await sco.click('#cp-next');
    await sco.click('#cp-next');
    const q = data.questions[0]!;
    await answer(sco.mainFrame(), q, false);
    const where = await visibleView(sco.mainFrame());

    await sco.close({ runBeforeUnload: true });
    await scoFinished(lms);
    const s = await lmsState(lms);
    expect(s.violations).toEqual([]);
    expect(s.finished).toBe(1);
    expect(s.committed['cmi.core.exit']).toBe('suspend');
    expect(s.committed['cmi.core.lesson_location']).toBe(where);
    expect(s.committed['cmi.interactions.0.result']).toBe('wrong');
    const saved = decodeSuspendData(data.layout, s.committed['cmi.suspend_data']!)!;
    expect(saved.answers[0]).toBeDefined();
    expect(saved.visited.filter(Boolean).length).toBeGreaterThanOrEqual(3);
  });
});
