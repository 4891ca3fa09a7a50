// What a learner sees and does on the built example module, beyond tracking:
// glossary links and the way back, previous/next and progress, the print layout,
// and reduced motion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ModuleData, QuestionData } from '../../src/runtime/module-data.ts';
import { scoFrame, answer, verdict, visibleView } from '../helpers/learner.ts';
import { startScormE2e, type ScormE2e } from '../helpers/scorm-e2e.ts';

let e2e: ScormE2e;
let browser: Browser;
let data: ModuleData;
let base: string;

beforeAll(async () => {
  e2e = await startScormE2e({ prefix: 'coursepack-pages-', targets: ['web'] });
  browser = e2e.browser;
  data = e2e.built.data;
  base = `${e2e.lms.url}/pkg/web/${data.moduleId}`;
});

afterAll(() => e2e?.close());

async function open(file = 'index.html'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/${file}`);
  if (file === 'index.html') await scoFrame(page);
  return page;
}

describe('learner pages', () => {
  it('a glossary link shows the definition and a link back to the page', async () => {
    const page = await open();
    const link = page.locator('.cp-view:not([hidden]) a.cp-term').first();
    const href = (await link.getAttribute('href'))!;
    const from = await visibleView(page.mainFrame());
    await link.click();
    expect(await visibleView(page.mainFrame())).toBe('cp-glossary');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(href.slice(1));
    await page.click('#cp-glossary .cp-back');
    expect(await visibleView(page.mainFrame())).toBe(from);
    await page.context().close();
  });

  it('a glossary look-up opens at the term at once: nothing scrolls under the pointer afterwards', async () => {
    const page = await open();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    const termId = (await page.locator('.cp-view:not([hidden]) a.cp-term').first().getAttribute('href'))!.slice(1);
    // Click in the page itself and read the scroll position in the same task, then again
    // after any smooth-scroll animation would have ended.
    const at = await page.evaluate(() => {
      (document.querySelector('.cp-view:not([hidden]) a.cp-term') as HTMLElement).click();
      return scrollY;
    });
    await page.waitForTimeout(600);
    const after = await page.evaluate((id) => ({ y: scrollY, top: document.getElementById(id)!.getBoundingClientRect().top }), termId);
    expect(at).toBeGreaterThan(0);
    expect(after.y).toBe(at);
    // The term is on screen (as near the top as the page's length allows).
    expect(after.top).toBeGreaterThanOrEqual(0);
    expect(after.top).toBeLessThan(720);
    await page.context().close();
  });

  it('previous and next move one page at a time and progress counts viewed pages', async () => {
    const page = await open();
    expect(await page.isDisabled('#cp-prev')).toBe(true);
    await page.click('#cp-next');
    await page.click('#cp-next');
    expect(await visibleView(page.mainFrame())).toBe(data.views[2]);
    expect(await page.textContent('#cp-pos')).toBe(`Page 3 of ${data.pages.length}`);
    expect(await page.textContent('#cp-progress-text')).toBe(`3 of ${data.pages.length} pages viewed`);
    await page.click('#cp-prev');
    expect(await visibleView(page.mainFrame())).toBe(data.views[1]);
    expect(await page.getAttribute(`.cp-toc a[href="#${data.views[1]}"]`, 'aria-current')).toBe('page');
    expect(await page.textContent('#cp-progress-text')).toBe(`3 of ${data.pages.length} pages viewed`);
    await page.context().close();
  });

  it('printing the launch page prints every page without navigation', async () => {
    const page = await open();
    await page.emulateMedia({ media: 'print' });
    const shown = await page.$$eval('.cp-view', (vs) => vs.filter((v) => getComputedStyle(v).display !== 'none').length);
    expect(shown).toBe(data.views.length);
    for (const sel of ['.cp-nav', '.cp-pager', '.cp-footer']) {
      expect(await page.$eval(sel, (el) => getComputedStyle(el).display), sel).toBe('none');
    }
    await page.context().close();
  });

  it('the print view lays out all pages and prints to a multi-page PDF', async () => {
    const page = await open('print.html');
    const sections = await page.$$eval('.cp-print-page', (s) => s.length);
    expect(sections).toBeGreaterThanOrEqual(data.pages.length);
    const pdf = await page.pdf({ format: 'A4' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThan(data.pages.length);
    await page.context().close();
  });

  it('the one-module example says its title once, in the header and in the browser tab', async () => {
    const page = await open();
    expect(await page.title()).toBe(data.moduleTitle);
    const header = (await page.textContent('header.cp-header'))!;
    expect(header.split(data.moduleTitle).length - 1).toBe(1);
    await page.context().close();
  });

  it('changing an answer after checking clears the old verdict until it is checked again', async () => {
    const page = await open();
    const frame = page.mainFrame();
    const q = data.questions.find((x): x is Extract<QuestionData, { type: 'single-choice' }> => x.type === 'single-choice')!;
    await answer(frame, q, true);
    expect(await verdict(frame, q.dom)).toBe('correct');
    await frame.check(`#${q.dom}-${(q.correct + 1) % q.choices.length}`);
    expect(await frame.textContent(`#${q.dom} .cp-fb`)).toBe('');
    await frame.click(`#${q.dom} .cp-check`);
    expect(await verdict(frame, q.dom)).toBe('wrong');
    await page.context().close();
  });

  it('every verdict opens with the word in bold, whether the runtime or the author wrote it', async () => {
    const page = await open();
    const frame = page.mainFrame();
    for (const q of data.questions) {
      for (const right of [true, false]) {
        await answer(frame, q, right);
        const lead = await frame.$eval(`#${q.dom} .cp-fb`, (el) => el.querySelector('strong')?.textContent ?? '');
        expect(lead, `${q.iid} ${right}`).toMatch(right ? /^Correct\b/ : /^Not quite\b/);
        expect((await frame.textContent(`#${q.dom} .cp-fb`))!.trim().toLowerCase().indexOf(right ? 'correct' : 'not quite'), q.iid).toBe(0);
      }
    }
  });

  it('at 360 px wide nothing scrolls sideways and the progress count sits beside its bar', async () => {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await page.goto(`${base}/index.html`);
    await scoFrame(page);
    const bar = (await page.locator('#cp-progress').boundingBox())!;
    const count = (await page.locator('#cp-progress-text').boundingBox())!;
    expect(Math.abs(bar.y + bar.height / 2 - (count.y + count.height / 2))).toBeLessThan(8);
    for (const id of data.views) {
      await page.evaluate((v) => (document.querySelector(`.cp-toc a[href="#${v}"]`) as HTMLElement).click(), id);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), id).toBeLessThanOrEqual(360);
    }
    await page.context().close();
  });

  it('after Exit the pages can still be read but nothing that records an answer works', async () => {
    const page = await open();
    await page.click('#cp-exit');
    await page.waitForSelector('#cp-notice:has-text("You can now close this window")');
    const q = data.questions[0];
    await page.click(`.cp-toc a[href="#${await page.$eval(`#${q.dom}`, (el) => el.closest('.cp-view')!.id)}"]`);
    expect(await page.isDisabled(`#${q.dom} .cp-check`)).toBe(true);
    expect(await page.$$eval('.cp-main input, .cp-main select, .cp-main textarea', (els) => els.every((e) => (e as HTMLInputElement).disabled))).toBe(true);
    expect(await page.isEnabled('#cp-prev')).toBe(true);
    await page.context().close();
  });

  it('respects reduced motion', async () => {
    const page = await open();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior)).toBe('auto');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior)).toBe('smooth');
    await page.context().close();
  });
});
