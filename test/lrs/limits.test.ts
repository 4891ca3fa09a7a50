// Abuse and edge cases get a 4xx and never a crash or a half-written batch: body-size
// limit, batch-size limit, deep nesting, malformed bodies, odd unicode, and a burst of
// concurrent writers. After all of it the LRS still answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { statement, startTestLrs, type TestLrs } from './helpers.ts';

describe('limits', () => {
  let t: TestLrs;
  beforeAll(async () => {
    t = await startTestLrs('sqlite', { bodyLimit: 256 * 1024, maxBatch: 100 });
  });
  afterAll(async () => t?.close());

  const count = async (activity: string) => (await t.admin.get('statements', { activity, limit: 0 })).json.statements.length;

  it('a body over the size limit is a 413 and nothing is stored', async () => {
    const activity = `http://example.org/big/${randomUUID()}`;
    const big = Array.from({ length: 90 }, () => statement({ object: { id: activity }, result: { response: 'x'.repeat(4000) } }));
    const r = await t.admin.post('statements', big);
    expect(r.status).toBe(413);
    expect(r.json.code).toBe('LRS_BODY_TOO_LARGE');
    expect(await count(activity)).toBe(0);
  });

  it('a batch over the statement limit is a 413 and nothing is stored', async () => {
    const activity = `http://example.org/many/${randomUUID()}`;
    const r = await t.admin.post('statements', Array.from({ length: 101 }, () => statement({ object: { id: activity } })));
    expect(r.status).toBe(413);
    expect(r.json.code).toBe('LRS_BATCH_TOO_LARGE');
    expect(await count(activity)).toBe(0);
    expect((await t.admin.post('statements', Array.from({ length: 100 }, () => statement({ object: { id: activity } })))).status).toBe(200);
    expect(await count(activity)).toBe(100);
  });

  it('deeply nested extensions are refused, in statements and merged documents', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const r = await t.admin.post('statements', JSON.stringify(statement({ result: { extensions: { 'http://example.org/e': 'DEEP' } } })).replace('"DEEP"', deep));
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('XAPI_TOO_DEEP');
    const body = `{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const q = { activityId: 'http://example.org/a', agent: { mbox: 'mailto:deep@example.org' }, stateId: 'd' };
    expect((await t.admin.post('activities/state', body, q)).status).toBe(400);
    expect((await t.admin.put('activities/state', body, q)).status).toBe(204);
    expect((await t.admin.post('activities/state', { b: 1 }, q)).status).toBe(400);
    expect((await t.admin.get('activities/state', q)).text).toBe(body);
  });

  it('malformed bodies of every kind are 400s', async () => {
    const bodies = ['', ' ', '{', '[', '{"actor":}', '{}{}', '\ufeff{}', 'undefined', '"just a string"', '[1, 2]', '[[]]', '[null]', '{"__proto__": {"x": 1}}'];
    for (const b of bodies) {
      const r = await t.admin.post('statements', b, undefined, { 'content-type': 'application/json' });
      expect(r.status, JSON.stringify(b)).toBe(400);
      expect(r.json.code).toMatch(/^(LRS|XAPI)_/);
    }
    expect((await t.admin.post('statements', JSON.stringify(statement()), undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(400);
    expect((await t.admin.put('statements', JSON.stringify(statement()), { statementId: randomUUID() }, { 'content-type': 'application/xml' })).status).toBe(400);
  });

  it('unicode edge cases: invalid UTF-8 and lone surrogates refused; noncharacters and long combining runs kept', async () => {
    for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const body = Buffer.concat([Buffer.from(`{"actor":{"mbox":"mailto:a@example.org","name":"`), Buffer.from(bytes), Buffer.from(`"},"verb":{"id":"http://example.org/v"},"object":{"id":"http://example.org/a"}}`)]);
      expect((await t.admin.post('statements', body)).status).toBe(400);
    }
    const key = JSON.stringify(statement()).replace('"mbox"', '"name\\udc00x":"y","mbox"');
    expect((await t.admin.post('statements', key)).status).toBe(400);
    const odd = '\ufffe\uffff\u200f' + 'a' + '\u0301'.repeat(500) + '\u{10FFFD}';
    const r = await t.admin.post('statements', statement({ result: { response: odd } }));
    expect(r.status).toBe(200);
    expect((await t.admin.get('statements', { statementId: r.json[0] })).json.result.response).toBe(odd);
  });

  it('serves a burst of concurrent writers without losing or duplicating a statement', async () => {
    const activity = `http://example.org/burst/${randomUUID()}`;
    const sends = Array.from({ length: 60 }, (_, i) =>
      t.admin.post('statements', i % 2 ? statement({ object: { id: activity } }) : Array.from({ length: 5 }, () => statement({ object: { id: activity } }))),
    );
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await count(activity)).toBe(30 + 30 * 5);
  });

  it('still answers after all of the above', async () => {
    expect((await t.admin.get('statements', { limit: 1 })).status).toBe(200);
    expect(t.logs.some((l: any) => l.status >= 500)).toBe(false);
  });
});
