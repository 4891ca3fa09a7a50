// The outbox in real headless Chromium: src/xapi bundled by esbuild into a small page
// served from a local node:http server, talking cross-origin to the embedded LRS.
// Statements queued while the LRS is unreachable survive the browser closing and are
// delivered by the next launch (same profile on disk); statements queued just before close leave with the
// pagehide keepalive request, and the next launch's resend does not duplicate them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, launchChromium } from '../helpers/browser.ts';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';

let dir: string;
let lrs: Lrs | undefined;
let lrsPort = 0;
let admin: string;
let site: Server;
let siteUrl: string;
let browser: Browser;

async function startLrs(): Promise<void> {
  lrs = await createLrs({ db: join(dir, 'lrs.db'), port: lrsPort });
  lrsPort = Number(new URL(lrs.url).port);
}

async function stopLrs(): Promise<void> {
  await lrs?.close();
  lrs = undefined;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cp-xapi-browser-'));
  await startLrs();
  admin = `Basic ${Buffer.from(`${lrs!.adminKey!.key}:${lrs!.adminKey!.secret}`).toString('base64')}`;
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page/entry.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
  });
  const js = bundle.outputFiles[0]!.text;
  site = createServer((req, res) => {
    if (req.url?.startsWith('/app.js')) return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js);
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>outbox</title><script src="/app.js"></script>');
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  siteUrl = `http://127.0.0.1:${(site.address() as any).port}/`;
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r));
  await stopLrs();
  rmSync(dir, { recursive: true, force: true });
});

async function stored(registration: string): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${lrsPort}/xapi/statements?registration=${registration}&limit=500`, {
    headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { statements: Array<{ id: string }> }).statements.map((s) => s.id);
}

async function launch(context: BrowserContext, registration: string, extra = ''): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const params = new URLSearchParams({ endpoint: `http://127.0.0.1:${lrsPort}/xapi/`, auth: admin, registration });
  await page.goto(`${siteUrl}?${params}${extra}`);
  await page.waitForFunction(() => (window as any).xapiTest !== undefined);
  expect(errors).toEqual([]);
  return page;
}

async function until(cond: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('outbox in Chromium', () => {
  it('statements queued while the LRS is down survive closing the browser and arrive once on the next launch', async () => {
    // A browser profile on disk, closed and started again: a real "next launch".
    const profile = join(dir, 'profile');
    const open = () => chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    const registration = randomUUID();
    await stopLrs();
    let context = await open();
    let ids: string[];
    try {
      const first = await launch(context, registration);
      ids = await first.evaluate(() => (window as any).xapiTest.enqueue(20));
      await first.waitForFunction(() => (window as any).xapiTest.state().failures >= 2);
      expect(await first.evaluate(() => (window as any).xapiTest.pending())).toEqual(ids);
      await first.close({ runBeforeUnload: true });
    } finally {
      await context.close();
    }

    await startLrs();
    expect(await stored(registration)).toEqual([]);
    context = await open();
    try {
      const second = await launch(context, registration);
      await second.waitForFunction(() => (window as any).xapiTest.state().pending === 0, undefined, { timeout: 15_000 });
      expect((await stored(registration)).sort()).toEqual([...ids].sort());
      expect(await second.evaluate(() => (window as any).xapiTest.state().rejected)).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('statements queued just before the page closes leave with the pagehide keepalive request; the next launch adds no duplicates', async () => {
    const context = await browser.newContext();
    try {
      const registration = randomUUID();
      // A long batch delay: nothing is sent until the page goes away.
      const first = await launch(context, registration, '&batchDelayMs=600000');
      const ids: string[] = await first.evaluate(() => (window as any).xapiTest.enqueue(10));
      expect(await stored(registration)).toEqual([]);
      await first.close({ runBeforeUnload: true });
      await until(async () => (await stored(registration)).length === 10);

      // The closed page never saw the answer, so its queue still holds them; resending is harmless.
      const second = await launch(context, registration);
      await second.waitForFunction(() => (window as any).xapiTest.state().pending === 0, undefined, { timeout: 15_000 });
      const got = await stored(registration);
      expect(got.sort()).toEqual([...ids].sort());
      await second.close();
    } finally {
      await context.close();
    }
  });
});
