// End to end: the class fixture is POSTed to the embedded LRS over HTTP, the real CLI
// (`coursepack report --lrs … --key …`, a child process) pages through it with a
// read-only key, and the written index.html is opened from disk in headless Chromium with
// every non-file request blocked: axe-core finds no serious or critical violation, the
// hostile comment stays text, and the figures on the page match summary.json.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';
import { createKey } from '../../src/lrs/keys.ts';
import { dur, num, percent } from '../../src/report/format.ts';
import type { Report } from '../../src/report/types.ts';
import { launchChromium } from '../helpers/browser.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { classStatements, HOSTILE, IRI, session, reg, voiding } from './fixtures.ts';
import * as P from '../../src/xapi/profile.ts';

const BIN = fileURLToPath(new URL('../../bin/coursepack.js', import.meta.url));


describe('report over the embedded LRS, opened from disk in Chromium', () => {
  let lrs: Lrs;
  let browser: Browser;
  let dir: string;
  let readKey: string;
  const statements = classStatements();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cp-report-e2e-'));
    lrs = await createLrs({ db: join(dir, 'lrs.sqlite'), port: 0, maxLimit: 7 });
    const admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
    const post = async (body: unknown) => {
      const res = await fetch(`${lrs.endpoint}statements`, {
        method: 'POST',
        headers: { authorization: admin, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    };
    await post(statements);
    await post(statements.slice(0, 5)); // a resend: the LRS keeps one copy
    // A statement from another course, and one that is voided after it was stored.
    const other = session('Zed', reg(50), '2026-09-01T00:00:00Z', { iri: 'https://example.org/courses/other', title: 'Other', version: '1', language: 'en' });
    const wrong = P.experiencedPage(session('Ann', reg(1), '2026-09-04T00:00:00Z'), { id: 'p1', title: 'Welcome' }, { durationMs: 9_000_000 });
    await post([P.initialized(other), wrong]);
    await post([voiding(wrong.id)]);
    const k = await createKey(lrs.storage, { name: 'reports', scopes: ['statements:read'] });
    readKey = `${k.key}:${k.secret}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await lrs?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pages through the LRS with more, and the page is accessible, offline, escaped and agrees with summary.json', async () => {
    const out = join(dir, 'report');
    // maxLimit 7 on the LRS forces many `more` pages.
    const r = await runCliAsync(['report', '--lrs', lrs.endpoint, '--key', readKey, '--course', IRI, '--out', out]);
    expect(r.code).toBe(0);
    // Progress on stderr ends with the total read (36 statements + the voiding one; the LRS keeps one copy of the resend).
    expect(r.stderr).toMatch(new RegExp(`${statements.length + 1} statements read · \\d+/s`));
    expect(r.stdout).toMatch(/5 learners, 5 attempts, 3 completed/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Report;
    expect(summary.counts.used).toBe(statements.length);
    expect(summary.counts.otherCourse).toBe(0); // filtered by the LRS itself (activity + related_activities)
    expect(summary.counts.voiding).toBe(1);
    expect(summary.overview).toMatchObject({ learners: 5, attempts: 5, completedAttempts: 3, passedAttempts: 2, medianTimeToCompleteMs: 180_000 });
    expect(summary.funnel.map((f) => f.learners)).toEqual([4, 4, 3]);

    const context = await browser.newContext();
    const external: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    await page.screenshot({ path: join(out, 'screenshot.png'), fullPage: true });

    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
    expect(serious).toEqual([]);
    expect(external).toEqual([]);
    expect(dialogs).toEqual([]);

    // The hostile comment is a text node, not markup.
    expect(await page.locator('#t-comments img').count()).toBe(0);
    expect(await page.locator('#t-comments script').count()).toBe(0);
    expect(await page.locator('#t-comments tbody').innerText()).toContain(HOSTILE.trim());

    // The headline numbers on the page are summary.json's.
    const shown = async (key: string) => (await page.locator(`[data-summary="${key}"]`).innerText()).trim();
    const o = summary.overview;
    expect(await shown('overview.learners')).toBe(String(o.learners));
    expect(await shown('overview.attempts')).toBe(String(o.attempts));
    expect(await shown('overview.completionRate')).toBe(percent(o.completionRate));
    expect(await shown('overview.passRate')).toBe(percent(o.passRate));
    expect(await shown('overview.medianTimeToCompleteMs')).toBe(dur(o.medianTimeToCompleteMs));
    expect(await shown('overview.p90TimeToCompleteMs')).toBe(dur(o.p90TimeToCompleteMs));
    expect(await shown('overview.meanScore')).toBe(`${num(o.meanScore)}%`);
    expect(await shown('feedback.comments')).toBe(String(summary.feedback.comments.length));
    // Tables: the funnel and the question statistics row by row.
    const rows = async (id: string) => page.locator(`#t-${id} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect((await rows('drop-off')).map((c) => [c[0], Number(c[2])])).toEqual(summary.funnel.map((f) => [f.title, f.learners]));
    expect((await rows('questions')).map((c) => [c[3], c[5], c[6]])).toEqual(summary.questions.map((q) => [String(q.attempts), num(q.facility), num(q.discrimination)]));
    expect((await rows('learners')).map((c) => [c[0], c[1]])).toEqual(summary.learners.map((l) => [l.learner, l.status]));

    // The comment filter works offline: rating 2 leaves Ben's comment only.
    await page.selectOption('select[name=rating]', '2');
    await expect.poll(() => page.locator('#t-comments tbody tr:not([hidden])').count()).toBe(1);
    expect(await page.locator('#comment-count').innerText()).toBe('1 comment shown');
    await context.close();
  });

  it('--serve: the live report takes statements stored after it started and tells the open page', async () => {
    const child = spawn(process.execPath, [BIN, 'report', '--lrs', lrs.endpoint, '--key', readKey, '--course', IRI, '--serve', '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, COURSEPACK_REPORT_POLL_MS: '200' },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /live report on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (c) => reject(new Error(`report --serve exited ${c}`)));
      });
      const summary = async () => (await (await fetch(`${url}summary.json`)).json()) as Report;
      expect((await summary()).overview.learners).toBe(5);
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      expect(await page.locator('#live-status').count()).toBe(1);
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
      // A sixth learner starts.
      const fay = session('Fay', reg(6), '2026-09-04T09:00:00Z');
      const admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
      const post = await fetch(`${lrs.endpoint}statements`, {
        method: 'POST',
        headers: { authorization: admin, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' },
        body: JSON.stringify([P.initialized(fay), P.experiencedPage(fay, { id: 'p1', title: 'Welcome' }, { durationMs: 4000 })]),
      });
      expect(post.status).toBe(200);
      await expect.poll(async () => (await summary()).overview.learners, { timeout: 10_000 }).toBe(6);
      expect((await summary()).funnel[0]!.learners).toBe(5);
      await expect.poll(() => page.locator('#live-status a').count(), { timeout: 10_000 }).toBe(1);
      await context.close();
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('a write-only or wrong key is refused with an error the user can act on', async () => {
    const k = await createKey(lrs.storage, { name: 'package', scopes: ['statements:write'], writeOnly: true });
    const r = await runCliAsync(['report', '--lrs', lrs.endpoint, '--key', `${k.key}:${k.secret}`, '--quiet', '--out', join(dir, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('REPORT_LRS');
    expect(r.stderr).toContain('statements:read');
  });
});
