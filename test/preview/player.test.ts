// `coursepack preview` end to end: the preview server runs in-process on a free port
// against a temporary copy of the example course, and real Chromium plays the SCO in
// the player page. The tests run in order on one page, the way an author works: open,
// navigate, relaunch, edit a page, break and fix course.yaml.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Frame, Page } from 'playwright-core';
import { startPreview, type PreviewEvent, type PreviewServer, type PreviewState } from '../../src/preview/server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { answer, moduleDataOf, scoFrame, visibleView } from '../helpers/learner.ts';

/** Polls with room for a loaded machine (2 cores shared by several test runs). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10000, interval: 50 });

const COURSE_DIR = fileURLToPath(new URL('../../course', import.meta.url));

let tmp: string;
let courseDir: string;
let server: PreviewServer;
let browser: Browser;
let page: Page;
const events: PreviewEvent[] = [];
const requests: string[] = [];
const pageErrors: string[] = [];

/** The build number the page in the browser shows (undefined while it is reloading). */
async function shownBuild(p: Page): Promise<number | undefined> {
  try {
    return await p.evaluate(() => JSON.parse(document.getElementById('preview-data')?.textContent ?? '{}').build as number);
  } catch {
    return undefined;
  }
}

/** Wait for the server to finish a build newer than `after`, then for the page to show it. */
async function nextBuild(after: number): Promise<PreviewState> {
  await expect.poll(() => server.state().build, { timeout: 15000 }).toBeGreaterThan(after);
  // A second file event may have queued one more build: wait until the server is idle.
  await expect.poll(() => server.state().building, { timeout: 15000 }).toBe(false);
  const state = server.state();
  await expect.poll(() => shownBuild(page), { timeout: 15000 }).toBe(state.build);
  await page.waitForLoadState('load');
  return state;
}

const cmi = (name: string): Promise<string> => page.locator(`#cmi-${name}`).innerText();

/** Rows of the API call log, as the panel shows them. */
async function logRows(fn?: string): Promise<{ fn: string; args: string; ret: string; err: string }[]> {
  return page.$$eval(
    '#log-body tr:not(.marker)',
    (trs, only) =>
      trs
        .filter((tr) => !only || (tr as HTMLElement).dataset.fn === only)
        .map((tr) => ({
          fn: (tr as HTMLElement).dataset.fn ?? '',
          args: tr.querySelector('.args')?.textContent ?? '',
          ret: tr.querySelector('.ret')?.textContent ?? '',
          err: tr.querySelector('.err')?.textContent ?? '',
        })),
    fn,
  );
}

/** Serious or critical axe-core findings on the preview page, opened in a context of its own as axe needs. */
async function seriousViolations(ready?: (p: Page) => Promise<unknown>): Promise<string[]> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const fresh = await context.newPage();
  fresh.on('request', (r) => requests.push(r.url()));
  await fresh.goto(server.url);
  if (ready) await ready(fresh);
  const result = await new AxeBuilder({ page: fresh }).exclude('#sco').analyze();
  await context.close();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

async function sco(): Promise<Frame> {
  return scoFrame(page);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'coursepack-preview-'));
  courseDir = join(tmp, 'course');
  cpSync(COURSE_DIR, courseDir, { recursive: true });
  server = await startPreview({ courseDir, port: 0, debounceMs: 80, onEvent: (e) => events.push(e) });
  browser = await launchChromium();
  // Wide enough that the SCO beside the panel gets its desktop layout (contents always open).
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('coursepack preview (SCORM 1.2)', () => {
  it('serves on 127.0.0.1 and the SCO initialises: lesson_status incomplete, LMSInitialize logged with error 0', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.state().ok).toBe(true);
    await page.goto(server.url);
    await sco();
    await poll(() => cmi('lesson_status')).toBe('incomplete');
    expect(await cmi('student')).toBe('preview (preview)');
    expect(await cmi('entry')).toBe('ab-initio');
    expect(await cmi('mastery_score')).toBe('80');
    const init = await logRows('LMSInitialize');
    expect(init).toEqual([{ fn: 'LMSInitialize', args: '""', ret: '"true"', err: '0' }]);
    // What the SCO read back from the LMS is in the log too, with its error code.
    const id = (await logRows('LMSGetValue')).find((r) => r.args === '"cmi.core.student_id"');
    expect(id).toEqual({ fn: 'LMSGetValue', args: '"cmi.core.student_id"', ret: '"preview"', err: '0' });
    expect(await cmi('suspend_data')).toMatch(/^\d+ of 4096 characters/);
  });

  it('navigating in the SCO shows in the log and in the panel', async () => {
    const frame = await sco();
    const first = await visibleView(frame);
    await frame.click('#cp-next');
    const second = await visibleView(frame);
    expect(second).not.toBe(first);
    await poll(async () => (await logRows('LMSSetValue')).some((r) => r.args === `"cmi.core.lesson_location", "${second}"` && r.err === '0'))
      .toBe(true);
    await poll(async () => (await logRows('LMSCommit')).length).toBeGreaterThan(0);
    expect((await logRows('LMSCommit')).every((r) => r.ret === '"true"' && r.err === '0')).toBe(true);
    await poll(() => cmi('lesson_location')).toBe(second);
    // A write-only element read back is refused by the LMS, and the panel says so.
    const refused = await frame.evaluate(() => {
      const api = (window.parent as unknown as { API: { LMSGetValue(e: string): string } }).API;
      return api.LMSGetValue('cmi.core.session_time');
    });
    expect(refused).toBe('');
    await poll(async () => (await logRows('LMSGetValue')).at(-1)?.err).toMatch(/^404 /);
    expect(await page.locator('#log-body tr.failed').count()).toBeGreaterThan(0);
  });

  it('answering a question shows the interaction, and suspend_data is counted against 4096', async () => {
    const html = await (await fetch(`${server.url}pkg/involving-patients/index.html`)).text();
    const q = moduleDataOf(html).questions.find((x) => x.type === 'single-choice')!;
    const frame = await sco();
    const before = await visibleView(frame);
    await answer(frame, q, true);
    await poll(() => page.locator('#interactions-body tr').count()).toBe(1);
    const cells = await page.$$eval('#interactions-body td', (tds) => tds.map((td) => td.textContent));
    expect(cells.slice(0, 3)).toEqual(['0', q.iid, 'choice']);
    expect(cells[4]).toBe('correct');
    expect(await page.locator('#interactions-count').innerText()).toBe('(1)');
    await poll(async () => (await logRows('LMSSetValue')).some((r) => r.args.startsWith('"cmi.suspend_data"'))).toBe(true);
    // The panel counts the value the SCO last sent (compared afresh each time: the SCO may send another).
    const lastSent = async (): Promise<number> => {
      const sent = (await logRows('LMSSetValue')).filter((r) => r.args.startsWith('"cmi.suspend_data"')).at(-1)!;
      return (JSON.parse(`[${sent.args}]`) as string[])[1].length;
    };
    await poll(async () => {
      const n = await lastSent();
      return (await cmi('suspend_data')) === `${n} of 4096 characters (${Math.round((n / 4096) * 100)}%)` &&
        (await page.locator('#suspend-meter').evaluate((m) => (m as HTMLMeterElement).value)) === n;
    }).toBe(true);
    expect(await lastSent()).toBeGreaterThan(0);
    // Back where the learner was, for the relaunch test.
    await frame.click(`.cp-toc a[href="#${before}"]`);
    await poll(() => cmi('lesson_location')).toBe(before);
  });

  it('"Relaunch (resume)" reloads the SCO on its page with entry resume; "New attempt" starts over', async () => {
    const left = await visibleView(await sco());
    await page.getByRole('button', { name: 'Relaunch (resume)' }).click();
    await poll(() => cmi('entry')).toBe('resume');
    let frame = await sco();
    expect(await visibleView(frame)).toBe(left);
    expect((await logRows('LMSFinish')).at(-1)).toMatchObject({ ret: '"true"', err: '0' });
    const resumedLocation = (await logRows('LMSGetValue')).filter((r) => r.args === '"cmi.core.lesson_location"').at(-1);
    expect(resumedLocation?.ret).toBe(JSON.stringify(left));

    // Keyboard only: focus the button and press Enter.
    await page.focus('#new-attempt');
    await page.keyboard.press('Enter');
    await poll(() => cmi('entry')).toBe('ab-initio');
    frame = await sco();
    expect(await visibleView(frame)).not.toBe(left);
    expect(await cmi('lesson_location')).not.toBe(left);

    // Back to the second page for the rebuild test, which resumes there.
    await frame.click('#cp-next');
    await poll(() => cmi('lesson_location')).toBe(left);
  });

  it('editing a page\'s Markdown rebuilds, reloads the page, and the SCO shows the new text where the learner was', async () => {
    const left = await cmi('lesson_location');
    const before = server.state().build;
    const file = join(courseDir, 'involving-patients/pages/01-introduction.md');
    const marker = 'Preview marker: edited while previewing & still *plain* text.';
    writeFileSync(file, readFileSync(file, 'utf8') + `\n${marker}\n`);
    const state = await nextBuild(before);
    expect(state.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const frame = await sco();
    expect(await frame.locator('body').textContent()).toContain('Preview marker: edited while previewing & still plain text.');
    expect(await visibleView(frame)).toBe(left);
    expect(await cmi('entry')).toBe('resume');
    expect(events.some((e) => e.type === 'building' && e.reason === 'change')).toBe(true);
  });

  it('warnings do not stop the preview: they are listed in the page header until fixed', async () => {
    const draft = join(courseDir, 'involving-patients/pages/99-draft.md');
    let before = server.state().build;
    writeFileSync(draft, '---\ntitle: Draft\nid: draft\n---\n\nNot listed in module.yaml yet.\n');
    let state = await nextBuild(before);
    expect(state.ok).toBe(true);
    await sco();
    expect(await page.locator('.warnings summary').innerText()).toBe('1 warning');
    const item = page.locator('.warnings li.problem.warning');
    expect(await item.getAttribute('data-code')).toBe('COURSE_UNLISTED_PAGE');
    expect(await item.locator('.where').textContent()).toContain('99-draft.md');
    before = state.build;
    rmSync(draft);
    state = await nextBuild(before);
    expect(state.problems).toEqual([]);
    await sco();
    expect(await page.locator('.warnings').count()).toBe(0);
  });

  it('a broken course.yaml shows its error (file, line, code) in the page, escaped; fixing it recovers', async () => {
    const file = join(courseDir, 'course.yaml');
    const good = readFileSync(file, 'utf8');
    const bad = good.replace(/^passMark: 80$/m, 'passMark: 80\n"<img src=x onerror=window.__pwned=1>": 1');
    expect(bad).not.toBe(good);
    let before = server.state().build;
    writeFileSync(file, bad);
    const failed = await nextBuild(before);
    expect(failed.ok).toBe(false);
    expect(await page.locator('h1').innerText()).toBe('Build failed');
    const item = page.locator('#problems li.problem.error').first();
    const code = await item.getAttribute('data-code');
    expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(await item.locator('.code').innerText()).toBe(code);
    expect(await item.locator('.where').innerText()).toMatch(/^course\.yaml:\d+/);
    const line = Number((await item.locator('.where').innerText()).split(':')[1]);
    expect(bad.split('\n')[line - 1]).toMatch(/^"<img /);
    // The author's text is shown as text: no element was made from it, no script ran.
    expect(await page.locator('#problems').innerText()).toContain('<img src=x onerror=window.__pwned=1>');
    expect(await page.locator('#problems img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.getByRole('alert').innerText()).toMatch(/1 error|\d+ errors/);
    expect(await seriousViolations()).toEqual([]);

    before = server.state().build;
    writeFileSync(file, good);
    const fixed = await nextBuild(before);
    expect(fixed.ok).toBe(true);
    const frame = await sco();
    expect(await frame.locator('body').textContent()).toContain('Preview marker');
    expect(await cmi('entry')).toBe('resume');
  });

  it('the Width menu shows the SCO at a phone width, and the skip link reaches the panel by keyboard', async () => {
    const frameWidth = async (): Promise<number> => (await sco()).evaluate(() => window.innerWidth);
    expect(await frameWidth()).toBeGreaterThan(800);
    await page.getByLabel('Width').selectOption('360');
    await poll(frameWidth).toBe(360);
    await page.reload();
    await poll(frameWidth).toBe(360);
    await page.getByLabel('Width').selectOption('');
    await poll(frameWidth).toBeGreaterThan(800);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the LMS panel');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('panel');
  });

  it('values a SCO sends are shown as text, never as markup', async () => {
    const frame = await sco();
    const evil = '<img src=x onerror="window.parent.__pwned=1">';
    const ret = await frame.evaluate((v) => {
      const api = (window.parent as unknown as { API: { LMSSetValue(e: string, v: string): string } }).API;
      return api.LMSSetValue('cmi.core.lesson_location', v);
    }, evil);
    expect(ret).toBe('true');
    await poll(() => cmi('lesson_location')).toBe(evil);
    expect((await logRows('LMSSetValue')).at(-1)?.args).toBe(JSON.stringify('cmi.core.lesson_location') + ', ' + JSON.stringify(evil));
    expect(await page.locator('#panel img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('the player page has no serious accessibility violations (the failed-build page neither) and the browser only talked to the preview server', async () => {
    expect(await seriousViolations(scoFrame)).toEqual([]);
    const origin = server.url.replace(/\/$/, '');
    expect(requests.filter((u) => !u.startsWith(origin + '/') && u !== 'about:blank')).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
