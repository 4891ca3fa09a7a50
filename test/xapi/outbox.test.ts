// The outbox against the real embedded LRS over loopback (SQLite file, Node's fetch):
// an LRS that is down for a whole session, resends, batching, back-off, permanent
// refusals and the pagehide keepalive budget. Only the Storage is an in-memory
// implementation of the Web Storage interface, since Node has no localStorage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';
import { createOutbox, outboxKey, type KeyValueStorage, type Outbox, type OutboxState } from '../../src/xapi/outbox.ts';
import * as P from '../../src/xapi/profile.ts';
import { Q, QUIZ, session } from './fixtures.ts';
import { MemoryStorage, until } from './memory-storage.ts';
import { startLossyLrs } from './lossy-lrs.ts';

let dir: string;
let lrs: Lrs | undefined;
let admin: string;
let port: number;
let requests: Array<{ method: string; path: string; status: number }>;
const outboxes: Outbox[] = [];

async function startLrs(): Promise<Lrs> {
  lrs = await createLrs({ db: join(dir, 'lrs.db'), port, logger: (l: any) => requests.push(l) });
  port = Number(new URL(lrs.url).port);
  return lrs;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cp-outbox-'));
  requests = [];
  port = 0;
  const first = await startLrs();
  admin = `Basic ${Buffer.from(`${first.adminKey!.key}:${first.adminKey!.secret}`).toString('base64')}`;
});

afterEach(async () => {
  for (const o of outboxes.splice(0)) o.stop();
  await lrs?.close();
  lrs = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function endpoint(): string {
  return `http://127.0.0.1:${port}/xapi/`;
}

function outbox(storage: KeyValueStorage, s = session(), over: Partial<Parameters<typeof createOutbox>[0]> = {}): Outbox {
  const o = createOutbox({
    endpoint: endpoint(),
    auth: admin,
    actor: s.actor,
    registration: s.registration,
    storage,
    batchDelayMs: 5,
    retryBaseMs: 20,
    retryMaxMs: 200,
    ...over,
  });
  outboxes.push(o);
  return o;
}

/** A realistic stream: every builder in turn, `n` statements. */
function statements(n: number, s = session()): P.Statement[] {
  const make = [
    () => P.initialized(s),
    () => P.experiencedPage(s, { id: 'intro', title: 'Introduction' }, { durationMs: 30_000 }),
    () => P.answeredQuestion(s, QUIZ, Q['multiple-response'], [0, 2], { durationMs: 9_000 }),
    () => P.answeredQuestion(s, QUIZ, Q.matching, [0, 2, 1]),
    () => P.answeredReflection(s, { id: 'think', title: 'Think', prompt: 'Why?' }, 'Because it matters to people.'),
    () => P.viewedGlossaryTerm(s, { id: 'dignity', term: 'Dignity' }),
    () => P.progressed(s, 50),
  ];
  return Array.from({ length: n }, (_, i) => make[i % make.length]!());
}

async function stored(registration: string): Promise<any[]> {
  const res = await fetch(`${endpoint()}statements?registration=${registration}&limit=500`, {
    headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { statements: any[]; more: string };
  expect(body.more).toBe('');
  return body.statements;
}

describe('outbox against the embedded LRS', () => {
  it('the LRS is down for the whole session, then comes back: every statement arrives exactly once on the next launch', async () => {
    await lrs!.close();
    lrs = undefined;
    const storage = new MemoryStorage();
    const s = session({ registration: randomUUID() });
    const sent = statements(120, s);
    const first = outbox(storage, s);
    const delays: number[] = [];
    first.onChange((st: OutboxState) => {
      if (st.retryInMs !== null && st.failures > delays.length) delays.push(st.retryInMs);
    });
    for (const st of sent) first.enqueue(st);
    await until(() => first.state().failures >= 6);
    first.stop();

    // Back-off grows: each delay lies in [exp/2, exp] for exp = 20·2^(n−1) capped at 200 ms.
    expect(delays.length).toBeGreaterThanOrEqual(6);
    delays.slice(0, 6).forEach((d, i) => {
      const exp = Math.min(200, 20 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(exp / 2);
      expect(d).toBeLessThanOrEqual(exp);
    });
    expect(first.state().lastError).toBeTruthy();
    expect(first.pending().map((x) => x.id)).toEqual(sent.map((x) => x.id));

    // What the next launch finds in localStorage, kept to replay later.
    const leftover = storage.copy();
    await startLrs();
    const second = outbox(storage, s);
    await until(() => second.state().pending === 0 && !second.state().sending);
    expect(second.rejected()).toEqual([]);
    expect(second.state().delivered).toBe(120);
    let got = await stored(s.registration);
    expect(got.map((x) => x.id).sort()).toEqual(sent.map((x) => x.id).sort());
    expect(storage.getItem(outboxKey(endpoint(), s.actor, s.registration))).toBeNull();

    // Batched: 120 statements in 3 POSTs of at most 50.
    expect(requests.filter((r) => r.method === 'POST').length).toBe(3);

    // A third launch that replays the old queue (a second tab, a restored profile): harmless.
    const third = outbox(leftover, s);
    await third.flush();
    expect(third.pending()).toEqual([]);
    expect(third.rejected()).toEqual([]);
    got = await stored(s.registration);
    expect(got.length).toBe(120);
    expect(new Set(got.map((x) => x.id)).size).toBe(120);
  });

  it('a statement the LRS refuses (400) goes to the rejected list with the reason; the rest are delivered', async () => {
    const storage = new MemoryStorage();
    const s = session({ registration: randomUUID() });
    const good = statements(30, s);
    const bad = structuredClone(P.judgedModule(s, { raw: 5, max: 10 }, 50)) as any;
    bad.result.score.raw = 12;
    const o = outbox(storage, s, { batchDelayMs: 10_000 });
    good.slice(0, 17).forEach((x) => o.enqueue(x));
    o.enqueue(bad);
    good.slice(17).forEach((x) => o.enqueue(x));
    await o.flush();
    expect(o.pending()).toEqual([]);
    const rejected = o.rejected();
    expect(rejected.map((r) => [r.statement.id, r.status])).toEqual([[bad.id, 400]]);
    expect(rejected[0]!.reason).toMatch(/result\.score\.raw/);
    expect((await stored(s.registration)).map((x) => x.id).sort()).toEqual(good.map((x) => x.id).sort());
    // The rejection survives a reload, for the runtime to report.
    expect(outbox(storage, s).rejected().map((r) => r.statement.id)).toEqual([bad.id]);
  });

  it('409: an id already stored with other content is rejected when we never sent it, and does not block the others', async () => {
    const s = session({ registration: randomUUID() });
    const [mine, other] = statements(2, s);
    const theirs = { ...P.printed(s), id: mine!.id };
    const res = await fetch(`${endpoint()}statements`, {
      method: 'POST',
      headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
      body: JSON.stringify([theirs]),
    });
    expect(res.status).toBe(200);
    const o = outbox(new MemoryStorage(), s, { batchDelayMs: 10_000 });
    o.enqueue(mine!);
    o.enqueue(other!);
    await o.flush();
    expect(o.rejected().map((r) => [r.statement.id, r.status])).toEqual([[mine!.id, 409]]);
    expect(o.rejected()[0]!.reason).toMatch(/XAPI_CONFLICT/);
    expect((await stored(s.registration)).map((x) => x.id).sort()).toEqual([mine!.id, other!.id].sort());
  });

  it('wrong credentials are retried, not dropped, and go through once setAuth fixes them', async () => {
    const s = session({ registration: randomUUID() });
    const o = outbox(new MemoryStorage(), s, { auth: 'Basic bm9ib2R5Om5vdGhpbmc=' });
    const list = statements(5, s);
    list.forEach((x) => o.enqueue(x));
    await until(() => o.state().failures >= 2);
    expect(o.state().lastError).toMatch(/^401/);
    expect(o.rejected()).toEqual([]);
    expect(o.pending().length).toBe(5);
    o.setAuth(admin);
    await o.flush();
    expect(o.pending()).toEqual([]);
    expect((await stored(s.registration)).length).toBe(5);
  });

  it('pagehide sends what fits the 64 KiB keepalive budget; the rest is delivered afterwards, nothing twice', async () => {
    const storage = new MemoryStorage();
    const s = session({ registration: randomUUID() });
    const list = statements(100, s);
    const bodies: number[] = [];
    const measuring: typeof fetch = (url, init) => {
      if (init?.keepalive) bodies.push(new TextEncoder().encode(String(init.body)).length);
      return fetch(url, init);
    };
    // A large batch size so that only pagehide sends (a full batch would go out at once).
    const o = outbox(storage, s, { batchDelayMs: 60_000, batchSize: 500, fetch: measuring });
    list.forEach((x) => o.enqueue(x));
    const handed = o.flushOnPageHide();
    expect(handed).toBeGreaterThan(10);
    expect(handed).toBeLessThan(100);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!).toBeLessThanOrEqual(65_000);
    await until(async () => (await stored(s.registration)).length === handed);
    await until(() => o.state().pending === 100 - handed);
    expect(o.state().delivered).toBe(handed);
    await o.flush();
    const got = await stored(s.registration);
    expect(o.state().delivered).toBe(100);
    expect(got.map((x) => x.id).sort()).toEqual(list.map((x) => x.id).sort());
  });

  it('a launch with a new registration also sends what an earlier registration of the same learner left behind', async () => {
    await lrs!.close();
    lrs = undefined;
    const storage = new MemoryStorage();
    const before = session({ registration: randomUUID() });
    const now = session({ registration: randomUUID() });
    const stranger = session({ registration: randomUUID(), actor: { mbox: 'mailto:someone-else@example.org' } });
    const old = outbox(storage, before);
    const oldIds = statements(5, before).map((x) => (old.enqueue(x), x.id));
    const theirs = outbox(storage, stranger, { batchDelayMs: 60_000 });
    theirs.enqueue(P.initialized(stranger));
    await until(() => old.state().failures >= 1);
    old.stop();
    theirs.stop();
    await startLrs();
    const o = outbox(storage, now);
    const newIds = statements(2, now).map((x) => (o.enqueue(x), x.id));
    await until(() => o.state().pending === 0 && !o.state().sending);
    expect((await stored(before.registration)).map((x) => x.id).sort()).toEqual(oldIds.sort());
    expect((await stored(now.registration)).map((x) => x.id).sort()).toEqual(newIds.sort());
    // Another learner's queue on a shared computer is left alone.
    expect(await stored(stranger.registration)).toEqual([]);
    expect([...storage.map.keys()]).toEqual([outboxKey(endpoint(), stranger.actor, stranger.registration)]);
  });

  it('two tabs of one attempt share one queue in storage; nothing either queued is lost', async () => {
    await lrs!.close();
    lrs = undefined;
    const storage = new MemoryStorage();
    const s = session({ registration: randomUUID() });
    const tabA = outbox(storage, s, { batchDelayMs: 60_000 });
    const tabB = outbox(storage, s, { batchDelayMs: 60_000 });
    const a = statements(3, s);
    const b = statements(2, s);
    a.forEach((x) => tabA.enqueue(x));
    await Promise.resolve();
    b.forEach((x) => tabB.enqueue(x));
    await Promise.resolve();
    tabA.enqueue(P.terminated(s));
    await Promise.resolve();
    tabA.stop();
    tabB.stop();
    const saved = JSON.parse(storage.getItem(outboxKey(endpoint(), s.actor, s.registration))!);
    expect(saved.q.length).toBe(6);
    await startLrs();
    const next = outbox(storage, s);
    await until(() => next.state().pending === 0 && !next.state().sending);
    expect((await stored(s.registration)).length).toBe(6);
  });

  it('when localStorage refuses writes the statements are still delivered and the state says why', async () => {
    const full: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError: the quota has been exceeded');
      },
      removeItem: () => {},
    };
    const s = session({ registration: randomUUID() });
    const o = outbox(full, s);
    statements(3, s).forEach((x) => o.enqueue(x));
    await Promise.resolve();
    expect(o.state().storageError).toMatch(/quota/);
    await until(() => o.state().pending === 0 && !o.state().sending);
    expect((await stored(s.registration)).length).toBe(3);
  });

  it('keeps one queue per endpoint, actor and registration', async () => {
    const storage = new MemoryStorage();
    const a = session({ registration: randomUUID() });
    const b = session({ registration: randomUUID() });
    const oa = outbox(storage, a, { batchDelayMs: 60_000 });
    const ob = outbox(storage, b, { batchDelayMs: 60_000 });
    oa.enqueue(P.initialized(a));
    ob.enqueue(P.initialized(b));
    ob.enqueue(P.terminated(b));
    expect(oa.pending().length).toBe(1);
    expect(ob.pending().length).toBe(2);
    // Written through once the current task's changes are done.
    await Promise.resolve();
    expect(storage.map.size).toBe(2);
    expect(JSON.parse(storage.getItem(outboxKey(endpoint(), b.actor, b.registration))!).q.length).toBe(2);
  });

  it('409 for a statement whose earlier response was lost counts as delivered (LRSs that answer 409 to any known id)', async () => {
    // The embedded LRS answers 200 to an identical resend; this stand-in answers 409 (lossy-lrs.ts).
    const other = await startLossyLrs();
    try {
      const s = session({ registration: randomUUID() });
      const o = createOutbox({
        endpoint: other.endpoint.slice(0, -1), // without the trailing slash
        auth: admin,
        actor: s.actor,
        registration: s.registration,
        storage: new MemoryStorage(),
        batchDelayMs: 60_000,
        retryBaseMs: 20,
      });
      outboxes.push(o);
      const list = statements(4, s);
      list.forEach((x) => o.enqueue(x));
      await o.flush();
      expect(o.state().failures).toBe(1);
      await until(() => o.state().pending === 0);
      expect(o.rejected()).toEqual([]);
      expect([...other.held].sort()).toEqual(list.map((x) => x.id).sort());
      // A statement never sent before that meets a 409 is someone else's: rejected.
      const clash = { ...statements(1, s)[0]!, id: list[0]!.id };
      const fresh = createOutbox({
        endpoint: other.endpoint,
        actor: s.actor,
        registration: s.registration,
        storage: new MemoryStorage(),
        batchDelayMs: 60_000,
      });
      outboxes.push(fresh);
      fresh.enqueue(clash);
      await fresh.flush();
      expect(fresh.rejected().map((r) => r.status)).toEqual([409]);
    } finally {
      await other.close();
    }
  });
});
