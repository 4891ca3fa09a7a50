// A course with two modules is two SCOs: the player offers both, launches the one
// picked, and keeps each SCO's data apart, as an LMS keeps one record per SCO.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startPreview, type PreviewServer } from '../../src/preview/server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { scoFrame, visibleView } from '../helpers/learner.ts';

/** Polls with room for a loaded machine (2 cores shared by several test runs). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10000, interval: 50 });

const COURSE_DIR = fileURLToPath(new URL('../../course', import.meta.url));
let tmp: string;
let server: PreviewServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'coursepack-preview-multi-'));
  const dir = join(tmp, 'course');
  cpSync(COURSE_DIR, dir, { recursive: true });
  cpSync(join(dir, 'involving-patients'), join(dir, 'second-module'), { recursive: true });
  const moduleYaml = join(dir, 'second-module/module.yaml');
  writeFileSync(
    moduleYaml,
    readFileSync(moduleYaml, 'utf8').replace(/^id: .*$/m, 'id: second-module').replace(/^title: .*$/m, 'title: "Second <module> & more"'),
  );
  const courseYaml = join(dir, 'course.yaml');
  writeFileSync(courseYaml, readFileSync(courseYaml, 'utf8').replace(/^  - involving-patients$/m, '  - involving-patients\n  - second-module'));
  server = await startPreview({ courseDir: dir, watch: false });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const entry = (): Promise<string> => page.locator('#cmi-entry').innerText();
const scoPath = (): Promise<string> => page.$eval('#sco', (f) => new URL((f as HTMLIFrameElement).src).pathname);

describe('coursepack preview with several SCOs', () => {
  it('offers each SCO by its title, launches the one picked, and keeps their data apart', async () => {
    expect(server.state().ok).toBe(true);
    await page.goto(server.url);
    const options = await page.$$eval('#sco-select option', (os) => os.map((o) => o.textContent));
    expect(options).toEqual(['Involving patients in health professions education', 'Second <module> & more']);
    expect(await page.getByLabel('SCO').count()).toBe(1);
    let frame = await scoFrame(page);
    expect(await scoPath()).toBe('/pkg/involving-patients/index.html');
    await frame.click('#cp-next');
    const leftFirst = await visibleView(frame);
    await poll(() => page.locator('#cmi-lesson_location').innerText()).toBe(leftFirst);

    await page.selectOption('#sco-select', { label: 'Second <module> & more' });
    await poll(scoPath).toBe('/pkg/second-module/index.html');
    frame = await scoFrame(page);
    expect(await entry()).toBe('ab-initio');
    expect(await visibleView(frame)).not.toBe(leftFirst);

    await page.selectOption('#sco-select', { index: 0 });
    await poll(scoPath).toBe('/pkg/involving-patients/index.html');
    frame = await scoFrame(page);
    expect(await entry()).toBe('resume');
    expect(await visibleView(frame)).toBe(leftFirst);

    // The choice survives a reload (as after a rebuild).
    await page.selectOption('#sco-select', { index: 1 });
    await poll(scoPath).toBe('/pkg/second-module/index.html');
    await page.reload();
    await scoFrame(page);
    expect(await scoPath()).toBe('/pkg/second-module/index.html');
    expect(await page.$eval('#sco-select', (s) => (s as HTMLSelectElement).value)).toContain('second-module');
  });
});
