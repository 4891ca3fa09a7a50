// The feedback hook's sender (src/runtime/feedback.ts) over the real tracker and SCORM
// adapter, with a real webhook receiver on loopback: destinations, the signature, and
// webhook delivery (timeout without blocking, retries with back-off, a refused payload
// dropped, leftovers sent by the next launch).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createTracker } from '../../src/runtime/tracker.ts';
import { scormStore } from '../../src/runtime/scorm12.ts';
import { moduleData } from '../../src/render/view.ts';
import { createFeedback, queueKey, type FeedbackEntry } from '../../src/runtime/feedback.ts';
import { hmacJs, hmacSha256Hex } from '../../src/runtime/feedback-sign.ts';
import { strictLms } from '../helpers/strict-scorm12.ts';
import { memoryLms, shelf } from '../helpers/memory-lms.ts';
import { sampleCourse } from '../helpers/sample-course.ts';

const SECRET = 'unit-test-secret-0123456789';
let server: Server;
let url = '';
/** What the receiver answers next: a status, or 'hang' (never answers). */
const plan: (number | 'hang')[] = [];
const got: { body: string; sig: string; at: number }[] = [];
const hung: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: Buffer.concat(chunks).toString('utf8'), sig: String(req.headers['x-coursepack-signature'] ?? ''), at: Date.now() });
      const next = plan.shift() ?? 204;
      if (next === 'hang') hung.push(res);
      else res.writeHead(next).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
});

afterAll(async () => {
  hung.forEach((r) => r.destroy());
  await new Promise((r) => server.close(r));
});

const SIDE = { endpoint: 'https://lrs.example.org/xapi/', key: 'k', secret: 's', allowEmbeddedCredentials: false };

function setup(feedback: Record<string, unknown>, lmsValues: Record<string, string> = {}, withLrs = false) {
  const course = sampleCourse(withLrs ? { lrs: SIDE } : {});
  course.feedback = { ...course.feedback, ...feedback } as typeof course.feedback;
  const data = moduleData(course, course.modules[0]!, 'scorm12');
  const lms = strictLms(memoryLms(lmsValues));
  const tracker = createTracker(data, scormStore(lms.api, () => {}));
  return { data, lms, tracker };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await wait(20);
}

describe('feedback destinations', () => {
  it('appends to cmi.comments, hands the entry to the xAPI sender and offers mailto with the text', () => {
    const { data, lms, tracker } = setup({ scormComments: true, xapi: true }, {}, true);
    const sent: FeedbackEntry[] = [];
    const fb = createFeedback({ data, tracker, commented: (e) => void sent.push(e) });
    const r = fb.submit({ comment: '  Good & <b>bold</b>  ', rating: 5 });
    expect(r.kept).toEqual(['scormComments', 'xapi']);
    expect(sent).toEqual([{ comment: 'Good & <b>bold</b>', rating: 5 }]);
    tracker.finish();
    expect(lms.committed['cmi.comments']).toBe(`[${data.moduleId}] Rating 5/5. Good & <b>bold</b>`);
    expect(r.mailto).toBe(`mailto:${data.feedback.email}?subject=${encodeURIComponent(data.feedback.subject)}&body=${encodeURIComponent('Rating 5/5. Good & <b>bold</b>')}`);
  });

  it('without an LRS for the scorm12 package, xapi: true sends nothing (there is nowhere to send it)', () => {
    const { data } = setup({ xapi: true });
    expect(data.feedback.xapi).toBe(false);
  });

  it('with only an email address nothing is kept and the mailto fallback carries the comment', () => {
    const { data, tracker } = setup({ scormComments: false, xapi: false });
    const r = createFeedback({ data, tracker }).submit({ comment: 'Hello' });
    expect(r.kept).toEqual([]);
    expect(r.mailto).toContain('&body=Hello');
  });

  it('sends no commented statement in review mode', () => {
    const { data, tracker } = setup({ scormComments: false, xapi: true }, { 'cmi.core.lesson_mode': 'review' }, true);
    expect(data.feedback.xapi).toBe(true);
    const sent: FeedbackEntry[] = [];
    expect(createFeedback({ data, tracker, commented: (e) => void sent.push(e) }).submit({ comment: 'x' }).kept).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe('webhook signature', () => {
  it('is the HMAC-SHA256 of the raw body, in WebCrypto and in the plain-JS fallback', async () => {
    const enc = new TextEncoder();
    for (const [k, body] of [[SECRET, '{"comment":"é — ü"}'], ['k'.repeat(100), 'x'.repeat(5000)], ['0123456789abcdef', '']] as const) {
      const want = createHmac('sha256', k).update(body, 'utf8').digest('hex');
      expect(await hmacSha256Hex(k, body)).toBe(want);
      expect(Buffer.from(hmacJs(enc.encode(k), enc.encode(body))).toString('hex')).toBe(want);
    }
  });
});

describe('webhook delivery', () => {
  it('posts the payload signed; a 503 is retried with back-off and the same bytes, then the queue is empty', async () => {
    got.length = 0;
    plan.push(503, 204);
    const { data, tracker } = setup({ scormComments: false, webhook: { url, secret: SECRET } }, { 'cmi.core.student_id': 's-1' });
    const storage = shelf();
    const fb = createFeedback({ data, tracker, storage, retryBaseMs: 200, learner: () => ({ id: 's-1' }) });
    const r = fb.submit({ comment: 'Retry me', rating: 2 });
    expect(r.kept).toEqual(['webhook']);
    await until(() => got.length >= 2 && fb.pending() === 0);
    expect(got).toHaveLength(2);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(190);
    for (const g of got) expect(g.sig).toBe(`sha256=${createHmac('sha256', SECRET).update(g.body).digest('hex')}`);
    const payload = JSON.parse(got[0]!.body);
    expect(payload).toMatchObject({ rating: 2, comment: 'Retry me', learner: { id: 's-1' }, module: { id: data.moduleId } });
    expect(JSON.parse(storage.items.get(queueKey(url))!)).toEqual([]);
  });

  it('drops a payload the receiver refuses (400) instead of retrying it', async () => {
    got.length = 0;
    plan.push(400);
    const { data, tracker } = setup({ scormComments: false, webhook: { url } });
    const fb = createFeedback({ data, tracker, storage: shelf(), retryBaseMs: 50 });
    fb.submit({ comment: 'Refused' });
    await until(() => got.length >= 1 && fb.pending() === 0);
    await wait(300);
    expect(got).toHaveLength(1);
    expect(got[0]!.sig).toBe('');
    expect(fb.pending()).toBe(0);
  });

  it('a receiver that never answers: submit returns at once, the request times out, the payload stays queued and the next launch delivers it', async () => {
    got.length = 0;
    plan.push('hang');
    const storage = shelf();
    const first = setup({ scormComments: false, webhook: { url, secret: SECRET } });
    const fb = createFeedback({ data: first.data, tracker: first.tracker, storage, timeoutMs: 300, retryBaseMs: 60_000 });
    const t0 = performance.now();
    fb.submit({ comment: 'Into the void' });
    expect(performance.now() - t0).toBeLessThan(50);
    await until(() => got.length >= 1);
    const t1 = Date.now();
    await fb.flush();
    expect(Date.now() - t1).toBeLessThan(2000);
    const queued = JSON.parse(storage.items.get(queueKey(url))!);
    expect(queued).toHaveLength(1);
    expect(queued[0].attempts).toBe(1);

    // The next launch (a new page with the same browser storage) sends it at start-up.
    const second = setup({ scormComments: false, webhook: { url, secret: SECRET } });
    const fb2 = createFeedback({ data: second.data, tracker: second.tracker, storage, retryBaseMs: 60_000 });
    await until(() => got.length >= 2 && fb2.pending() === 0);
    expect(got).toHaveLength(2);
    expect(JSON.parse(got[1]!.body).id).toBe(queued[0].id);
    expect(fb2.pending()).toBe(0);
  });
});
