// Drives a coursepack module in the browser the way a learner does: through the
// visible controls (contents links, Next, inputs, Check answer), never by calling
// the runtime directly. Works for any module: it reads the questions from the
// module data the renderer embeds in index.html.
import type { Browser, Frame, Page } from 'playwright-core';
import type { ModuleData, QuestionData } from '../../src/runtime/module-data.ts';

type ReflectionData = ModuleData['reflections'][number];

export function moduleDataOf(indexHtml: string): ModuleData {
  const m = /<script type="application\/json" id="cp-data">([^<]*)<\/script>/.exec(indexHtml);
  if (!m) throw new Error('no module data in index.html');
  return JSON.parse(m[1]) as ModuleData;
}

/** A launch URL opened in a fresh browser context (a learner's own browser), once the module is ready. */
export async function openModule(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.waitForSelector('html.cp-ready');
  return page;
}

/** The SCO's frame inside the test LMS page (or the page itself when launched standalone). */
export async function scoFrame(page: Page): Promise<Frame> {
  const iframe = await page.$('#sco');
  if (!iframe) return page.mainFrame();
  const frame = await iframe.contentFrame();
  if (!frame) throw new Error('SCO frame not available');
  await frame.waitForSelector('html.cp-ready');
  return frame;
}

export async function visibleView(frame: Frame): Promise<string> {
  return frame.$eval('.cp-view:not([hidden])', (el) => el.id);
}

/** Open the view holding `domId` through the table of contents. */
export async function openViewOf(frame: Frame, domId: string): Promise<void> {
  const view = await frame.$eval(`#${domId}`, (el) => el.closest('.cp-view')!.id);
  if ((await visibleView(frame)) === view) return;
  await frame.click(`.cp-toc a[href="#${view}"]`);
  await frame.waitForSelector(`#${view}:not([hidden])`);
}

export async function answer(frame: Frame, q: QuestionData, right: boolean): Promise<void> {
  await openViewOf(frame, q.dom);
  switch (q.type) {
    case 'single-choice': {
      const pick = right ? q.correct : (q.correct + 1) % q.choices.length;
      await frame.check(`#${q.dom}-${pick}`);
      break;
    }
    case 'multiple-response':
      for (let i = 0; i < q.choices.length; i++) {
        const on = right ? q.correct.includes(i) : !q.correct.includes(i);
        if (on) await frame.check(`#${q.dom}-${i}`);
        else await frame.uncheck(`#${q.dom}-${i}`);
      }
      break;
    case 'true-false':
      await frame.check(`#${q.dom}-${q.correct === right ? 0 : 1}`);
      break;
    case 'fill-in':
      await frame.fill(`#${q.dom}-in`, right ? q.answers[0] : 'certainly not this');
      break;
    case 'matching':
      for (let k = 0; k < q.pairs; k++) {
        await frame.selectOption(`#${q.dom}-${k}`, String(right ? k : (k + 1) % q.pairs));
      }
      break;
  }
  await frame.click(`#${q.dom} .cp-check`);
  await frame.waitForSelector(`#${q.dom} .cp-fb:not(:empty)`);
}

/** Writes a reflection and saves it, waiting until the page says it is saved. */
export async function reflect(frame: Frame, r: ReflectionData, text: string): Promise<void> {
  await openViewOf(frame, r.dom);
  await frame.fill(`#${r.dom} textarea`, text);
  await frame.click(`#${r.dom} button[type=submit]`);
  await frame.waitForSelector(`#${r.dom} .cp-refl-status:has-text("saved")`);
}

/** Sends a comment (with a rating when given) through the Feedback view's form, as far as its thank-you. */
export async function sendComment(frame: Frame, text: string, rating?: number): Promise<void> {
  await frame.click('.cp-toc a[href="#cp-feedback"]');
  if (rating) await frame.check(`#cp-rating-${rating}`);
  await frame.fill('#cp-comment-text', text);
  await frame.click('#cp-comment button[type=submit]');
  await frame.waitForSelector('#cp-comment-status:has-text("Thank you")');
}

/**
 * Opens a view through its contents link and waits until it shows. (Once this clicked up
 * to three times: a view switch used to scroll smoothly, so right after a glossary look-up
 * the contents moved under Playwright's click. Switching views now scrolls at once, and
 * test/e2e/learner-pages.test.ts checks that.)
 */
export async function openFromContents(page: Page, frame: Frame, viewId: string): Promise<void> {
  await page.click(`.cp-toc a[href="#${viewId}"]`);
  await frame.waitForSelector(`#${viewId}:not([hidden])`, { timeout: 5000 });
}

/** Walk every view from the current one to the last with the Next button. */
export async function nextToEnd(frame: Frame): Promise<number> {
  let steps = 0;
  while (!(await frame.$eval('#cp-next', (b) => (b as HTMLButtonElement).disabled))) {
    await frame.click('#cp-next');
    steps++;
  }
  return steps;
}

/** The verdict shown under a checked question, in words and by style: 'correct', 'wrong' or '' when none. */
export async function verdict(frame: Frame | Page, dom: string): Promise<string> {
  return frame.$eval(`#${dom} .cp-fb`, (el) => {
    const text = (el.textContent ?? '').trim().toLowerCase();
    const says = text.startsWith('correct') ? 'correct' : text.startsWith('not quite') ? 'wrong' : '';
    const shows = el.classList.contains('cp-ok') ? 'correct' : el.classList.contains('cp-no') ? 'wrong' : '';
    return says === shows ? says : `mismatch: says ${says}, shows ${shows}`;
  });
}
