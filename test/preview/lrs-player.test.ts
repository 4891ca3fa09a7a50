// `coursepack preview --target xapi|cmi5` end to end: the preview server (with its
// in-process embedded LRS) runs on a free port against a temporary copy of the example
// course, and real Chromium plays the AU in the player page. The panel must list what
// the LRS stored, with the profile verdict, and the launch buttons must keep or replace
// the registration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Frame, Page } from 'playwright-core';
import { startPreview, type PreviewServer } from '../../src/preview/server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { scoFrame, visibleView } from '../helpers/learner.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15000, interval: 100 });
const COURSE_DIR = fileURLToPath(new URL('../../course', import.meta.url));

let tmp: string;
let browser: Browser;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cp-preview-lrs-'));
  cpSync(COURSE_DIR, join(tmp, 'course'), { recursive: true });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Row {
  verb: string;
  registration: string;
  valid: string;
  object: string;
  reasons: string;
}
const rows = (page: Page): Promise<Row[]> =>
  page.$$eval('#statements-body tr:not(.marker)', (trs) =>
    trs.map((tr) => ({
      verb: (tr as HTMLElement).dataset.verb ?? '',
      registration: (tr as HTMLElement).dataset.registration ?? '',
      valid: tr.querySelector('.verdict strong')?.textContent ?? '',
      object: tr.querySelector('.object')?.textContent ?? '',
      reasons: tr.querySelector('.reasons')?.textContent ?? '',
    })),
  );
const registrationOf = (page: Page) => page.locator('#launch-registration').innerText();
const count = async (page: Page, verb: string, registration: string) =>
  (await rows(page)).filter((r) => r.verb === verb && r.registration === registration).length;

describe.each(['xapi', 'cmi5'] as const)('preview --target %s', (target) => {
  let server: PreviewServer;
  let page: Page;
  let frame: Frame;
  let firstRegistration: string;
  const externalRequests: string[] = [];

  beforeAll(async () => {
    server = await startPreview({ courseDir: join(tmp, 'course'), target, port: 0, watch: false });
    page = await (await browser.newContext()).newPage();
    page.on('request', (r) => {
      if (!/^(http:\/\/127\.0\.0\.1:\d+\/|about:|data:)/.test(r.url())) externalRequests.push(r.url());
    });
    await page.goto(server.url);
  }, 60_000);

  afterAll(async () => {
    await page?.context().close();
    await server?.close();
  });

  it('launches the AU with the embedded LRS; the panel lists initialized as valid', async () => {
    expect(server.lrsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/xapi\/$/);
    frame = await scoFrame(page);
    firstRegistration = await registrationOf(page);
    expect(firstRegistration).toMatch(/^[0-9a-f-]{36}$/);
    const src = new URL(frame.url());
    if (target === 'cmi5') {
      for (const p of ['endpoint', 'fetch', 'actor', 'registration', 'activityId']) expect(src.searchParams.get(p), p).toBeTruthy();
      expect(src.searchParams.get('activityId')).toBe(await page.locator('#launch-activity').innerText());
    } else {
      for (const p of ['endpoint', 'auth', 'actor', 'registration', 'activity_id']) expect(src.searchParams.get(p), p).toBeTruthy();
    }
    expect(src.searchParams.get('registration')).toBe(firstRegistration);
    await poll(() => count(page, 'initialized', firstRegistration)).toBe(1);
    const init = (await rows(page)).find((r) => r.verb === 'initialized')!;
    expect(init.valid).toBe('valid');
  }, 60_000);

  it('navigating a page adds an experienced statement', async () => {
    const before = await count(page, 'experienced', firstRegistration);
    await frame.click('#cp-next');
    await poll(() => count(page, 'experienced', firstRegistration)).toBeGreaterThan(before);
    expect((await rows(page)).every((r) => r.valid === 'valid')).toBe(true);
  }, 30_000);

  // The Tin Can launch hands out credentials in the URL (a cmi5 key only comes from the fetch URL, once).
  if (target === 'xapi') it('a statement outside the profile is listed as invalid with the reason, escaped', async () => {
    const src = new URL(frame.url());
    const courseIri = src.searchParams.get('activity_id')!;
    const res = await fetch(`${src.searchParams.get('endpoint')}statements`, {
      method: 'POST',
      headers: { Authorization: src.searchParams.get('auth')!, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        actor: JSON.parse(src.searchParams.get('actor')!),
        verb: { id: 'http://example.org/verbs/jumped', display: { en: 'jumped' } },
        object: { id: `${courseIri}/x`, definition: { name: { en: '<img src=x id=injected>' } } },
        context: { registration: firstRegistration },
        timestamp: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(200);
    await poll(async () => (await rows(page)).find((r) => r.verb === 'jumped')?.valid).toBe('invalid');
    const bad = (await rows(page)).find((r) => r.verb === 'jumped')!;
    expect(bad.reasons).toContain('/verb/id');
    expect(bad.object).toContain('<img src=x id=injected>');
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.locator('#statements-body tr.invalid').count()).toBe(1);
  }, 30_000);

  it('Relaunch keeps the registration and resumes; New attempt starts a new registration', async () => {
    const left = await visibleView(frame);
    await page.click('#relaunch');
    await poll(() => count(page, 'initialized', firstRegistration)).toBe(2);
    expect(await registrationOf(page)).toBe(firstRegistration);
    frame = await scoFrame(page);
    await poll(() => visibleView(frame)).toBe(left);

    await page.click('#new-attempt');
    await poll(() => registrationOf(page)).not.toBe(firstRegistration);
    const second = await registrationOf(page);
    await poll(() => count(page, 'initialized', second)).toBe(1);
    frame = await scoFrame(page);
    expect(new URL(frame.url()).searchParams.get('registration')).toBe(second);
    // The earlier attempt's rows are hidden, not lost.
    expect(await page.locator('#statements-body tr:not([hidden]):not(.marker)').count()).toBeLessThan((await rows(page)).length);
    expect(externalRequests).toEqual([]);
  }, 60_000);

  it('a rebuild reloads the page into the same registration; the page passes axe', async () => {
    const registration = await registrationOf(page);
    const build = server.state().build;
    await server.rebuild();
    await poll(() => page.evaluate(() => JSON.parse(document.getElementById('preview-data')!.textContent!).build).catch(() => 0)).toBe(build + 1);
    await poll(() => registrationOf(page).catch(() => '')).toBe(registration);
    frame = await scoFrame(page);
    expect(new URL(frame.url()).searchParams.get('registration')).toBe(registration);
    const result = await new AxeBuilder({ page }).exclude('#sco').analyze();
    expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  }, 60_000);

  if (target === 'cmi5') it('a cmi5 launch honours the single-use fetch URL', async () => {
    const fetchUrl = new URL(frame.url()).searchParams.get('fetch')!;
    expect(fetchUrl).toBe(await page.locator('#launch-fetch').innerText());
    // The AU has already fetched its token (it sent initialized); a second use is refused as cmi5 8.2.3 says.
    const again = await fetch(fetchUrl, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ 'error-code': '1' });
    expect(new URL(fetchUrl).origin).toBe(new URL(server.url).origin);
  }, 30_000);
});
