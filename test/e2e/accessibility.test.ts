// Accessibility and small screens, checked in real Chromium on the built example
// course: axe-core finds no serious or critical violation on any view of the launch
// page or on the print view, nothing scrolls sideways at 360 px, and the module can
// be worked with the keyboard alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import type { TestLms } from '../helpers/lms-server.ts';
import { answer, verdict, openViewOf, scoFrame, visibleView } from '../helpers/learner.ts';
import { startScormE2e, type ScormE2e } from '../helpers/scorm-e2e.ts';

let e2e: ScormE2e;
let browser: Browser;
let lms: TestLms;
let data: ModuleData;
let base: string;

/** axe needs a page that lives in its own context. */
async function newPage(viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  return context.newPage();
}
const closePage = (page: Page) => page.context().close();

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  e2e = await startScormE2e({ prefix: 'coursepack-a11y-', targets: ['scorm12'] });
  ({ lms, browser } = e2e);
  data = e2e.built.data;
  // Opened without an LMS, so the "progress may not be saved" notice is on screen too.
  base = `${lms.url}/pkg/scorm12/${data.moduleId}`;
});

afterAll(() => e2e?.close());

describe('accessibility', () => {
  it('no serious or critical axe violations on any view of the launch page, with feedback showing', async () => {
    const page = await newPage();
    await page.goto(`${base}/index.html`);
    const frame = await scoFrame(page);
    for (const q of data.questions) await answer(frame, q, q.type !== 'matching');
    const problems: string[] = [];
    for (let i = 0; i < data.views.length; i++) {
      await frame.click(`.cp-toc a[data-view="${i}"]`);
      expect(await visibleView(frame)).toBe(data.views[i]);
      problems.push(...(await seriousViolations(page)).map((p) => `${data.views[i]}: ${p}`));
    }
    expect(problems).toEqual([]);
    await closePage(page);
  });

  it('no serious or critical axe violations on the print view', async () => {
    const page = await newPage();
    await page.goto(`${base}/print.html`);
    expect(await seriousViolations(page)).toEqual([]);
    await closePage(page);
  });

  it('no serious or critical axe violations in review mode, nor once the learner has exited', async () => {
    const page = await newPage();
    await page.goto(lms.launchUrl({ pkg: 'scorm12', href: `${data.moduleId}/index.html`, cmi: { core: { lesson_mode: 'review', credit: 'no-credit', entry: '', lesson_status: 'completed' } } }));
    const frame = await scoFrame(page);
    await frame.waitForSelector('#cp-notice.cp-notice-info');
    expect(await seriousViolations(page)).toEqual([]);
    await frame.click('#cp-exit');
    await openViewOf(frame, data.questions[0].dom);
    expect(await seriousViolations(page)).toEqual([]);
    await closePage(page);
  });

  it('headings start at h1 and never skip a level', async () => {
    const page = await newPage();
    for (const file of ['index.html', 'print.html']) {
      await page.goto(`${base}/${file}`);
      const levels = await page.$$eval('h1,h2,h3,h4,h5,h6', (hs) => hs.map((h) => Number(h.tagName[1])));
      expect(levels[0]).toBe(1);
      levels.forEach((l, i) => i > 0 && expect(l - levels[i - 1], `${file} heading ${i}`).toBeLessThanOrEqual(1));
    }
    await closePage(page);
  });

  it('can be worked with the keyboard alone, with focus moved to each new page heading', async () => {
    const page = await newPage();
    await page.goto(`${base}/index.html`);
    await scoFrame(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.focus('#cp-next');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`${data.views[1]}-h`);
    const outline = await page.$eval('#cp-next', (b) => {
      (b as HTMLElement).focus();
      return getComputedStyle(b).outlineStyle;
    });
    expect(outline).not.toBe('none');

    const q = data.questions.find((x) => x.type === 'single-choice')!;
    await openViewOf(page.mainFrame(), q.dom);
    await page.focus(`#${q.dom}-0`);
    if (q.type === 'single-choice' && q.correct !== 0) for (let k = 0; k < q.correct; k++) await page.keyboard.press('ArrowDown');
    else await page.keyboard.press('Space');
    for (let tabs = 0; tabs < 20; tabs++) {
      const here = await page.evaluate(() => document.activeElement?.className);
      if (here === 'cp-check') break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#${q.dom} .cp-fb:not(:empty)`);
    expect(await verdict(page, q.dom)).toBe('correct');
    await closePage(page);
  });
});

describe('small screens', () => {
  it('nothing scrolls sideways at 360 px on any view or in the print view', async () => {
    const page = await newPage({ width: 360, height: 740 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${base}/index.html`);
    const frame = await scoFrame(page);
    expect(await frame.$eval('details.cp-toc', (d) => (d as HTMLDetailsElement).open)).toBe(false);
    await frame.click('details.cp-toc summary');
    for (let i = 0; i < data.views.length; i++) {
      await frame.click(`.cp-toc a[data-view="${i}"]`);
      expect(await overflow(), data.views[i]).toBeLessThanOrEqual(0);
      await frame.click('details.cp-toc summary');
    }
    await page.goto(`${base}/print.html`);
    expect(await overflow(), 'print.html').toBeLessThanOrEqual(0);
    await closePage(page);
  });
});
