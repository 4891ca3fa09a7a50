// End to end in real headless Chromium: the feedback hook of the example course built as
// scorm12 with every destination on — cmi.comments, an xAPI commented statement through
// the side channel (embedded LRS, write-only key scoped to the course), and a webhook
// with a secret, received by a plain http server on 127.0.0.1 that checks the signature
// the way docs/feedback.md tells a receiver to. A receiver that never answers must not
// hold the learner up, and the payload goes out again on the next launch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';
import { createKey } from '../../src/lrs/keys.ts';
import { openViewOf, scoFrame, visibleView } from '../helpers/learner.ts';
import { sideChannelTo } from '../helpers/example-course.ts';
import { startScormE2e, type ScormE2e } from '../helpers/scorm-e2e.ts';
import { poll } from '../helpers/poll.ts';
import { problemsOf } from '../xapi/fixtures.ts';

const IRI = 'https://coursepack.example/courses/patient-involvement';
const SECRET = 'webhook-secret-0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
}

let e2e: ScormE2e;
/** One browser profile: the same learner's browser across launches (localStorage kept). */
let ctx: BrowserContext;
let lrs: Lrs;
let data: ModuleData;
let hook: Server;
let hookUrl = '';
let mode: 'ok' | 'hang' = 'ok';
const received: Received[] = [];
const hanging: ServerResponse[] = [];

/** The receiver side of docs/feedback.md: CORS for the package's origin, then verify the signature over the raw body. */
function receiver(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Coursepack-Signature, X-Coursepack-Delivery');
    res.writeHead(204).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
    if (mode === 'hang') hanging.push(res);
    else res.writeHead(204).end();
  });
}

function signatureOk(r: Received): boolean {
  const want = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(r.raw, 'utf8').digest('hex')}`);
  const got = Buffer.from(String(r.headers['x-coursepack-signature'] ?? ''));
  return got.length === want.length && timingSafeEqual(got, want);
}

async function statements(): Promise<Record<string, any>[]> {
  const admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
  const res = await fetch(`${lrs.endpoint}statements?ascending=true&limit=500&format=exact`, {
    headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' },
  });
  return ((await res.json()) as { statements: Record<string, any>[] }).statements;
}

const until = <T>(f: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> => poll(f, ok, { timeoutMs: 15_000 });

async function launch(entry: string): Promise<{ page: Page; frame: Frame }> {
  const page = await e2e.launch({ cmi: { core: { entry, student_id: 'ada-42', student_name: 'Learner, Ada' } } }, ctx);
  return { page, frame: await scoFrame(page) };
}

async function submit(frame: Frame, text: string, rating?: number): Promise<number> {
  await openViewOf(frame, 'cp-comment');
  if (rating) await frame.check(`#cp-rating-${rating}`);
  await frame.fill('#cp-comment-text', text);
  const t0 = Date.now();
  await frame.click('#cp-comment button[type="submit"]');
  await frame.waitForFunction(() => document.getElementById('cp-comment-status')!.textContent !== '');
  return Date.now() - t0;
}

const queued = (frame: Frame): Promise<{ id: string }[]> =>
  frame.evaluate(() => {
    const k = Object.keys(localStorage).find((x) => x.startsWith('coursepack.feedback.webhook:'));
    return k ? JSON.parse(localStorage.getItem(k) || '[]') : [];
  });

beforeAll(async () => {
  hook = createServer(receiver);
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const a = hook.address();
  hookUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hooks/coursepack`;
  lrs = await createLrs({ db: ':memory:', port: 0 });
  const key = await createKey(lrs.storage, { name: 'package', scopes: ['statements:write'], activityPrefix: IRI, writeOnly: true });
  const everyDestination = (yaml: string) =>
    sideChannelTo(lrs.endpoint, key)(
      yaml.replace('  scormComments: true\n', `  scormComments: true\n  xapi: true\n  webhook:\n    url: ${hookUrl}\n    secret: ${SECRET}\n`),
    );
  e2e = await startScormE2e({ prefix: 'cp-fb-', targets: ['scorm12'], yaml: everyDestination });
  data = e2e.built.data;
  ctx = await e2e.browser.newContext();
});

afterEach(() => {
  expect(e2e?.pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await e2e?.close();
  hanging.forEach((r) => r.destroy());
  await new Promise((r) => hook?.close(r));
  await lrs?.close();
});

describe('feedback hook (scorm12, every destination)', () => {
  it('one submission: appended to cmi.comments, a commented statement with the rating, and a signed webhook payload', async () => {
    expect(data.feedback).toMatchObject({ scormComments: true, xapi: true, webhook: { url: hookUrl, secret: SECRET } });
    const { page, frame } = await launch('ab-initio');
    const text = 'Useful <img src=x onerror="window.__xss=1"> & "clear" — thanks';
    await submit(frame, text, 4);
    expect(await frame.textContent('#cp-comment-status')).toBe('Thank you, your comment has been sent.');

    // Webhook: one POST, signature over the raw body, the documented payload.
    const got = await until(() => received, (r) => r.length >= 1);
    expect(got).toHaveLength(1);
    const r = got[0]!;
    expect(r.headers['content-type']).toBe('application/json');
    expect(signatureOk(r)).toBe(true);
    const payload = JSON.parse(r.raw);
    expect(payload).toEqual({
      id: expect.stringMatching(UUID),
      course: { id: 'patient-involvement', version: '1.0.0' },
      module: { id: data.moduleId, title: data.moduleTitle },
      rating: 4,
      comment: text,
      submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      learner: { id: 'ada-42', name: 'Learner, Ada' },
    });
    expect(r.headers['x-coursepack-delivery']).toBe(payload.id);
    // A tampered body no longer matches the signature.
    expect(signatureOk({ ...r, raw: r.raw.replace('"rating":4', '"rating":5') })).toBe(false);

    // cmi.comments in the LMS.
    const comments = await page.evaluate(() => (window as any).__lms.inner.cmi.comments as string);
    expect(comments).toBe(`[${data.moduleId}] Rating 4/5. ${text}`);

    // The commented statement through the side channel.
    const all = await until(statements, (s) => s.some((x) => x.verb.id.endsWith('/commented')));
    const commented = all.filter((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/commented');
    expect(commented).toHaveLength(1);
    const st = commented[0]!;
    expect(st.object.id).toBe(`${IRI}/modules/${data.moduleId}/feedback`);
    expect(st.result.response).toBe(text);
    expect(st.result.extensions['https://coursepack.dev/xapi/extensions/rating']).toBe(4);
    expect(st.actor.account).toEqual({ homePage: new URL(lrs.endpoint).origin, name: 'ada-42' });
    const { stored: _s, authority: _a, version: _v, ...sent } = st;
    expect(problemsOf(sent)).toEqual({ profile: [], learningLocker: [], lrs: [] });

    // Learner text was never turned into markup.
    expect(await frame.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(await frame.$$eval('#cp-feedback img', (els) => els.length)).toBe(0);
    await page.close();
  });

  it('a webhook that never answers does not hold the learner up; the payload goes out on the next launch, once accepted', async () => {
    mode = 'hang';
    const before = received.length;
    const { page, frame } = await launch('resume');
    const ms = await submit(frame, 'Sent while the receiver hangs');
    expect(await frame.textContent('#cp-comment-status')).toBe('Thank you, your comment has been sent.');
    expect(ms).toBeLessThan(1500);
    // The learner carries on at once.
    const at = await visibleView(frame);
    await frame.click('#cp-prev');
    await frame.waitForFunction((v) => document.querySelector('.cp-view:not([hidden])')!.id !== v, at, { timeout: 1500 });
    const hung = await until(() => received.slice(before), (r) => r.length >= 1);
    const id = JSON.parse(hung[0]!.raw).id;
    expect(await queued(frame)).toEqual([expect.objectContaining({ id })]);
    // Nothing else of the comment was lost meanwhile.
    const comments = await page.evaluate(() => (window as any).__lms.inner.cmi.comments as string);
    expect(comments.endsWith('Sent while the receiver hangs')).toBe(true);
    await page.close();

    mode = 'ok';
    const n = received.length;
    const next = await launch('resume');
    const again = await until(() => received.slice(n), (r) => r.length >= 1);
    expect(JSON.parse(again[0]!.raw).id).toBe(id);
    expect(signatureOk(again[0]!)).toBe(true);
    expect(await until(() => queued(next.frame), (q) => q.length === 0)).toEqual([]);
    await next.page.close();
  });
});
