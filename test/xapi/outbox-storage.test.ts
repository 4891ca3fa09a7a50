// How the outbox uses localStorage, against the real embedded LRS over loopback: what it
// writes stays proportional to what changed (bytes per enqueue and per delivered batch do
// not grow with the queue), a crash between any two storage writes loses nothing, queues
// in the earlier single-key format are read and migrated, and a storage that runs out of
// room mid-session delays nothing. The Storage is an in-memory Web Storage (Node has
// none) that counts the bytes passed to setItem and can refuse writes past a quota.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';
import { createOutbox, outboxKey, type KeyValueStorage, type Outbox } from '../../src/xapi/outbox.ts';
import * as P from '../../src/xapi/profile.ts';
import { Q, QUIZ, session } from './fixtures.ts';
import { MemoryStorage, until } from './memory-storage.ts';
import { startLossyLrs } from './lossy-lrs.ts';

const enc = new TextEncoder();

/** One task later: the outbox has written what the last task changed. */
const nextTask = () => new Promise((r) => setImmediate(r));

let dir: string;
let lrs: Lrs;
let admin: string;
const outboxes: Outbox[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cp-outbox-storage-'));
  lrs = await createLrs({ db: join(dir, 'lrs.db'), port: 0, rateLimit: 0 });
  admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
});

afterEach(async () => {
  for (const o of outboxes.splice(0)) o.stop();
  await lrs.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The network as the browser sees it: offline (fetch fails at once) or through to the LRS; records what the LRS acknowledged. */
function network() {
  const net = {
    offline: false,
    acked: new Set<string>(),
    posts: [] as Array<{ ids: string[]; storageBytes: number }>,
    storage: null as MemoryStorage | null,
    fetch: (async (url, init) => {
      if (net.offline) throw new TypeError('Failed to fetch');
      const ids = (JSON.parse(String(init!.body)) as Array<{ id: string }>).map((x) => x.id);
      net.posts.push({ ids, storageBytes: net.storage?.bytes ?? 0 });
      const res = await fetch(url, init);
      if (res.ok) ids.forEach((id) => net.acked.add(id));
      return res;
    }) as typeof fetch,
  };
  return net;
}

function outbox(storage: KeyValueStorage, s: P.Session, over: Partial<Parameters<typeof createOutbox>[0]> = {}): Outbox {
  const o = createOutbox({
    endpoint: lrs.endpoint,
    auth: admin,
    actor: s.actor,
    registration: s.registration,
    storage,
    batchDelayMs: 60_000,
    retryBaseMs: 60_000,
    events: null,
    ...over,
  });
  outboxes.push(o);
  return o;
}

/** What a next launch would find in `storage`, read by a real outbox that never gets to send. */
function recovered(storage: KeyValueStorage, s: P.Session): { pending: string[]; rejected: string[] } {
  const o = createOutbox({ endpoint: lrs.endpoint, actor: s.actor, registration: s.registration, storage, fetch: () => new Promise(() => {}), events: null });
  o.stop();
  return { pending: o.pending().map((x) => x.id), rejected: o.rejected().map((r) => r.statement.id) };
}

function statements(n: number, s: P.Session): P.Statement[] {
  const make = [
    (i: number) => P.experiencedPage(s, { id: `p${i}`, title: `Page ${i}` }, { durationMs: 30_000 }),
    () => P.answeredQuestion(s, QUIZ, Q.matching, [0, 2, 1], { durationMs: 9_000 }),
    () => P.answeredReflection(s, { id: 'think', title: 'Think', prompt: 'Why?' }, 'Because it matters to people.'),
    () => P.viewedGlossaryTerm(s, { id: 'dignity', term: 'Dignity' }),
  ];
  return Array.from({ length: n }, (_, i) => make[i % make.length]!(i));
}

async function stored(registration: string): Promise<string[]> {
  const ids: string[] = [];
  let url: string | null = `${lrs.endpoint}statements?registration=${registration}&limit=500`;
  while (url) {
    const res: Response = await fetch(url, { headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statements: Array<{ id: string }>; more: string };
    ids.push(...body.statements.map((x) => x.id));
    url = body.more ? new URL(body.more, lrs.url).href : null;
  }
  return ids;
}

/** Keys of one outbox's queue: its key and the chunks after it. */
const queueKeys = (storage: MemoryStorage, k: string) => [...storage.map.keys()].filter((x) => x === k || x.startsWith(`${k}\n`));

describe('outbox storage', () => {
  it('bytes written per enqueue and per delivered batch do not grow with the queue (offline session, then delivery)', async () => {
    const measure = async (n: number) => {
      const s = session({ registration: randomUUID() });
      const list = statements(n, s);
      const storage = new MemoryStorage();
      const net = network();
      net.storage = storage;
      net.offline = true;
      const o = outbox(storage, s, { fetch: net.fetch, retryBaseMs: 50, retryMaxMs: 50 });
      let perEnqueue = 0;
      /** After the first two batches. */
      let laterEnqueue = 0;
      for (const [i, st] of list.entries()) {
        const before = storage.bytes;
        o.enqueue(st);
        await nextTask();
        perEnqueue = Math.max(perEnqueue, storage.bytes - before);
        if (i >= 100) laterEnqueue = Math.max(laterEnqueue, storage.bytes - before);
      }
      expect(o.state().failures).toBeGreaterThan(0);
      net.offline = false;
      net.posts.length = 0;
      const start = storage.bytes;
      await o.flush();
      expect(o.state().pending).toBe(0);
      expect((await stored(s.registration)).length).toBe(n);
      // Storage written while each batch was delivered: from one POST to the next (the last to the end).
      const marks = [start, ...net.posts.map((p) => p.storageBytes), storage.bytes];
      const perBatch = Math.max(...marks.slice(1).map((b, i) => b - marks[i]!));
      expect(net.posts.length).toBe(Math.ceil(n / 50));
      expect(storage.map.size).toBe(0);
      return { perEnqueue, laterEnqueue, perBatch, total: storage.bytes };
    };
    const small = await measure(200);
    const large = await measure(1500);
    // One batch of these statements, as POSTed.
    const batch = enc.encode(JSON.stringify(statements(50, session()))).length;
    for (const m of [small, large]) {
      // An enqueue rewrites the chunk it goes to: the first holds one batch, later ones about
      // 8 KiB. A delivered batch rewrites the chunk it ends in, the one the next batch ends
      // in, and the ids marked "maybe stored"; the queue behind it is not touched.
      expect(m.perEnqueue).toBeLessThan(1.2 * batch);
      expect(m.laterEnqueue).toBeLessThan(12 * 1024);
      expect(m.perBatch).toBeLessThan(0.25 * batch);
    }
    // 7.5 times the statements cost at most 7.5 times the bytes (the earlier format: ~55 times).
    expect(large.total / small.total).toBeLessThan(7.5);
  });

  it('a crash between any two storage writes loses nothing: every statement is still queued, rejected or stored', async () => {
    const s = session({ registration: randomUUID() });
    const earlier = session({ registration: randomUUID() });
    const storage = new MemoryStorage();
    // Left by the earlier format: one queue of this registration (one statement maybe stored already) and one of an earlier registration.
    const [a, b, c] = statements(3, s);
    const [d] = statements(1, earlier);
    const oldRejected = { statement: statements(1, s)[0]!, status: 400, reason: '400 bad', at: new Date().toISOString() };
    storage.map.set(outboxKey(lrs.endpoint, s.actor, s.registration), JSON.stringify({ q: [{ s: a, u: 1 }, { s: b }, { s: c }], r: [oldRejected] }));
    storage.map.set(outboxKey(lrs.endpoint, earlier.actor, earlier.registration), JSON.stringify({ q: [{ s: d }], r: [] }));
    const durable = new Set([a!.id, b!.id, c!.id, d!.id, oldRejected.statement.id]);
    const net = network();
    const snapshots: Array<{ storage: MemoryStorage; required: string[]; acked: string[] }> = [];
    storage.onChange = () => snapshots.push({ storage: storage.copy(), required: [...durable], acked: [...net.acked] });

    net.offline = true;
    const o = outbox(storage, s, { fetch: net.fetch, batchSize: 20, retryBaseMs: 20, retryMaxMs: 40 });
    await nextTask();
    const list = statements(70, s);
    const bad = structuredClone(P.judgedModule(s, { raw: 5, max: 10 }, 50)) as any;
    bad.result.score.raw = 12;
    list.splice(33, 0, bad);
    for (const st of list) {
      o.enqueue(st);
      await nextTask();
      durable.add(st.id);
      if (st === list[40]) expect(o.flushOnPageHide()).toBeGreaterThan(0);
    }
    await until(() => o.state().failures >= 2);
    net.offline = false;
    await o.flush();
    await until(() => o.state().pending === 0 && !o.state().sending);
    expect(o.rejected().map((r) => r.statement.id).sort()).toEqual([oldRejected.statement.id, bad.id].sort());
    expect(storage.map.size).toBe(1);
    expect(snapshots.length).toBeGreaterThan(20);

    snapshots.forEach((snap, i) => {
      const found = recovered(snap.storage.copy(), s);
      expect(new Set(found.pending).size, `snapshot ${i}: no statement queued twice`).toBe(found.pending.length);
      const kept = new Set([...found.pending, ...found.rejected, ...snap.acked]);
      expect(snap.required.filter((id) => !kept.has(id)), `snapshot ${i} of ${snapshots.length}`).toEqual([]);
    });

    // Next launches from a few of those moments really deliver, each to an LRS holding just
    // what the LRS held at that moment (a fresh database on the same endpoint).
    const byId = new Map([a!, b!, c!, d!, oldRejected.statement, ...list].map((x) => [x.id, x]));
    const picks = [Math.floor(snapshots.length / 3), Math.floor((2 * snapshots.length) / 3), snapshots.length - 2];
    for (const at of picks) {
      const snap = snapshots[at]!;
      const port = Number(new URL(lrs.url).port);
      await lrs.close();
      lrs = await createLrs({ db: join(dir, `relaunch-${at}.db`), port, rateLimit: 0 });
      admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
      if (snap.acked.length) {
        const seeded = await fetch(`${lrs.endpoint}statements`, {
          method: 'POST',
          headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
          body: JSON.stringify(snap.acked.map((id) => byId.get(id))),
        });
        expect(seeded.status).toBe(200);
      }
      const next = outbox(snap.storage.copy(), s, { batchDelayMs: 5 });
      await until(() => next.state().pending === 0 && !next.state().sending);
      const refused = next.rejected().map((r) => r.statement.id);
      expect(refused.filter((id) => id !== bad.id && id !== oldRejected.statement.id), `relaunch at snapshot ${at}`).toEqual([]);
      const got = [...(await stored(s.registration)), ...(await stored(earlier.registration))];
      expect(new Set(got).size).toBe(got.length);
      expect(snap.required.filter((id) => !got.includes(id) && !refused.includes(id)), `relaunch at snapshot ${at}`).toEqual([]);
    }
  });

  it('"maybe stored" marks survive a crash: after a lost response, the next launch counts 409 as delivered (LRSs that answer 409 to any known id)', async () => {
    // A stand-in LRS that answers 409 to an id it holds and loses the first response (lossy-lrs.ts).
    const other = await startLossyLrs();
    try {
      const s = session({ registration: randomUUID() });
      const endpoint = other.endpoint;
      const storage = new MemoryStorage();
      const first = outbox(storage, s, { endpoint, batchDelayMs: 5 });
      const list = statements(30, s);
      list.forEach((x) => first.enqueue(x));
      await until(() => first.state().failures === 1);
      // The tab dies here; a next launch finds the queue, and the marks, in storage.
      first.stop();
      const next = outbox(storage.copy(), s, { endpoint, batchDelayMs: 5 });
      await until(() => next.state().pending === 0 && !next.state().sending);
      expect(next.rejected()).toEqual([]);
      expect(next.state().delivered).toBe(30);
      // The resend met 409 (split down to single statements, each then known as ours).
      expect(other.posts()).toBeGreaterThan(2);
      expect([...other.held].sort()).toEqual(list.map((x) => x.id).sort());
    } finally {
      await other.close();
    }
  });

  it('reads and migrates queues of the earlier single-key format, rejected lists and "maybe stored" marks included', async () => {
    const s = session({ registration: randomUUID() });
    const earlier = session({ registration: randomUUID() });
    const storage = new MemoryStorage();
    const key = outboxKey(lrs.endpoint, s.actor, s.registration);
    const earlierKey = outboxKey(lrs.endpoint, earlier.actor, earlier.registration);
    const mine = statements(60, s);
    const theirs = statements(4, earlier);
    // A statement an earlier request stored before its answer was lost; the LRS now holds other content under its id.
    const held = { ...P.printed(s), id: mine[0]!.id };
    const res = await fetch(`${lrs.endpoint}statements`, {
      method: 'POST',
      headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
      body: JSON.stringify([held]),
    });
    expect(res.status).toBe(200);
    const rej = (x: P.Statement, reason: string) => ({ statement: x, status: 400, reason, at: '2026-01-01T00:00:00.000Z' });
    const [r1, r2] = statements(2, s);
    storage.map.set(key, JSON.stringify({ q: [{ s: mine[0], u: 1 }, ...mine.slice(1).map((x) => ({ s: x }))], r: [rej(r1!, 'mine')] }));
    storage.map.set(earlierKey, JSON.stringify({ q: theirs.map((x) => ({ s: x })), r: [rej(r2!, 'theirs')] }));
    storage.map.set('unrelated', 'kept');

    const net = network();
    net.offline = true;
    const o = outbox(storage, s, { fetch: net.fetch });
    // Read whole, in order: this registration's queue first, then the earlier one's.
    expect(o.pending().map((x) => x.id)).toEqual([...mine, ...theirs].map((x) => x.id));
    expect(o.rejected().map((r) => r.reason).sort()).toEqual(['mine', 'theirs']);
    // The migration is written when the current task's changes are (before any request).
    await Promise.resolve();
    // Migrated without copying a statement: the rejected lists moved to their own key, the queues stay where they are.
    const rejectedKey = key.replace('coursepack.xapi.outbox', 'coursepack.xapi.rejected');
    expect(JSON.parse(storage.getItem(rejectedKey)!).map((r: any) => r.reason).sort()).toEqual(['mine', 'theirs']);
    expect(JSON.parse(storage.getItem(key)!)).toEqual({ q: [{ s: mine[0], u: 1 }, ...mine.slice(1).map((x) => ({ s: x }))], r: [] });
    expect(JSON.parse(storage.getItem(earlierKey)!).r).toEqual([]);
    expect(storage.bytes).toBeLessThan(1.1 * (storage.getItem(key)!.length + storage.getItem(earlierKey)!.length + storage.getItem(rejectedKey)!.length));
    // A next launch reads the migrated state the same way.
    expect(recovered(storage.copy(), s)).toEqual({ pending: [...mine, ...theirs].map((x) => x.id), rejected: o.rejected().map((r) => r.statement.id) });

    // New statements go after them.
    const more = statements(3, s);
    net.offline = false;
    more.forEach((x) => o.enqueue(x));
    await o.flush();
    expect(o.state().pending).toBe(0);
    // The one marked "maybe stored" met 409 and counts as ours, as it did in the earlier format.
    expect(o.rejected().map((r) => r.reason).sort()).toEqual(['mine', 'theirs']);
    expect(o.state().delivered).toBe(67);
    expect((await stored(s.registration)).sort()).toEqual([...mine, ...more].map((x) => x.id).sort());
    expect((await stored(earlier.registration)).sort()).toEqual(theirs.map((x) => x.id).sort());
    expect([...storage.map.keys()].sort()).toEqual([rejectedKey, 'unrelated'].sort());
  });

  it('a queue an earlier registration left in chunks, with its marks and rejections, is taken over by the next registration', async () => {
    const before = session({ registration: randomUUID() });
    const now = session({ registration: randomUUID() });
    const storage = new MemoryStorage();
    const net = network();
    const old = outbox(storage, before, { fetch: net.fetch, batchSize: 10 });
    const bad = structuredClone(P.judgedModule(before, { raw: 5, max: 10 }, 50)) as any;
    bad.result.score.raw = 12;
    old.enqueue(bad);
    await old.flush();
    expect(old.rejected().map((r) => r.statement.id)).toEqual([bad.id]);
    net.offline = true;
    const list = statements(30, before);
    for (const st of list) {
      old.enqueue(st);
      await nextTask();
    }
    await until(() => old.state().failures >= 1);
    old.stop();
    const suffix = (k: string) => k.slice('coursepack.xapi.outbox'.length);
    const oldKey = outboxKey(lrs.endpoint, before.actor, before.registration);
    expect(queueKeys(storage, oldKey).length).toBeGreaterThan(1);
    expect(storage.getItem(`coursepack.xapi.sent${suffix(oldKey)}`)).not.toBeNull();
    expect(storage.getItem(`coursepack.xapi.rejected${suffix(oldKey)}`)).not.toBeNull();
    // The first request did store the first statement (as other content: only the mark tells it is ours).
    const res = await fetch(`${lrs.endpoint}statements`, {
      method: 'POST',
      headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
      body: JSON.stringify([{ ...P.printed(before), id: list[0]!.id }]),
    });
    expect(res.status).toBe(200);

    net.offline = false;
    const o = outbox(storage, now, { fetch: net.fetch });
    expect(o.pending().map((x) => x.id)).toEqual(list.map((x) => x.id));
    expect(o.rejected().map((r) => r.statement.id)).toEqual([bad.id]);
    await o.flush();
    expect(o.state().pending).toBe(0);
    expect(o.rejected().map((r) => r.statement.id)).toEqual([bad.id]);
    expect(o.state().delivered).toBe(30);
    expect((await stored(before.registration)).sort()).toEqual(list.map((x) => x.id).sort());
    // Only this registration's rejected list is left.
    const nowKey = outboxKey(lrs.endpoint, now.actor, now.registration);
    expect([...storage.map.keys()]).toEqual([`coursepack.xapi.rejected${suffix(nowKey)}`]);
  });

  it('a long queue is kept in chunks under the outbox key: the first holds a batch, as the earlier format did, later ones are small; a next launch reads them in order', async () => {
    const s = session({ registration: randomUUID() });
    const storage = new MemoryStorage();
    const net = network();
    net.offline = true;
    const o = outbox(storage, s, { fetch: net.fetch, batchSize: 25 });
    const list = statements(60, s);
    for (const st of list) {
      o.enqueue(st);
      await nextTask();
    }
    const key = outboxKey(lrs.endpoint, s.actor, s.registration);
    const keys = queueKeys(storage, key);
    // The first batch is the one key, in the earlier format's shape.
    expect(JSON.parse(storage.getItem(key)!).q.map((e: any) => e.s.id)).toEqual(list.slice(0, 25).map((x) => x.id));
    const later = keys.filter((k) => k !== key);
    expect(later.length).toBeGreaterThanOrEqual(2);
    const largest = Math.max(...list.map((x) => JSON.stringify(x).length));
    for (const k of later) expect(storage.getItem(k)!.length).toBeLessThan(8 * 1024 + largest + 100);
    const boxes = keys.map((k) => JSON.parse(storage.getItem(k)!));
    expect(boxes.reduce((n, b) => n + b.q.length, 0)).toBe(60);
    expect(boxes.every((b) => Array.isArray(b.r) && b.r.length === 0)).toBe(true);
    // The first batch was tried (offline) and is marked "maybe stored" in its own key.
    const sentKey = key.replace('coursepack.xapi.outbox', 'coursepack.xapi.sent');
    expect(JSON.parse(storage.getItem(sentKey)!)).toEqual(list.slice(0, 25).map((x) => x.id));
    // Handed to a second launch in a shuffled storage: same order, same marks.
    const shuffled = new MemoryStorage();
    for (const k of [...keys, sentKey].reverse()) shuffled.map.set(k, storage.getItem(k)!);
    expect(recovered(shuffled, s).pending).toEqual(list.map((x) => x.id));
    // Delivering removes whole chunks; only the chunk a batch ends in and the marks are rewritten.
    net.offline = false;
    const before = storage.bytes;
    await o.flush();
    expect(storage.map.size).toBe(0);
    expect(storage.bytes - before).toBeLessThan(0.5 * enc.encode(JSON.stringify(list)).length);
    expect((await stored(s.registration)).length).toBe(60);
  });

  it('two tabs of one attempt, each with a long queue: each appends to its own chunks, and the next launch delivers both, once', async () => {
    const s = session({ registration: randomUUID() });
    const storage = new MemoryStorage();
    const net = network();
    net.offline = true;
    const tabA = outbox(storage, s, { fetch: net.fetch, batchSize: 20 });
    const tabB = outbox(storage, s, { fetch: net.fetch, batchSize: 20 });
    const a = statements(70, s);
    const b = statements(70, s);
    for (let i = 0; i < 70; i++) {
      tabA.enqueue(a[i]!);
      await nextTask();
      tabB.enqueue(b[i]!);
      await nextTask();
    }
    tabA.stop();
    tabB.stop();
    const key = outboxKey(lrs.endpoint, s.actor, s.registration);
    const found = recovered(storage.copy(), s).pending;
    expect(found.length).toBe(140);
    expect(new Set(found).size).toBe(140);
    // Each tab's statements stay in the order it made them.
    expect(found.filter((id) => a.some((x) => x.id === id))).toEqual(a.map((x) => x.id));
    expect(found.filter((id) => b.some((x) => x.id === id))).toEqual(b.map((x) => x.id));
    expect(queueKeys(storage, key).length).toBeGreaterThan(2);
    const next = outbox(storage, s);
    await next.flush();
    expect(next.state().pending).toBe(0);
    const got = await stored(s.registration);
    expect(got.sort()).toEqual([...a, ...b].map((x) => x.id).sort());
    expect([...storage.map.keys()]).toEqual([]);
  });

  it('when localStorage fills up mid-session the statements are still delivered, the state says why, and storage recovers', async () => {
    const s = session({ registration: randomUUID() });
    const storage = new MemoryStorage();
    const list = statements(120, s);
    storage.quota = JSON.stringify(list.slice(0, 70)).length;
    const net = network();
    net.offline = true;
    const o = outbox(storage, s, { fetch: net.fetch, batchSize: 20 });
    for (const st of list) {
      o.enqueue(st);
      await nextTask();
    }
    expect(o.state().storageError).toMatch(/QuotaExceededError/);
    expect(o.state().pending).toBe(120);
    // What fitted is in storage, in whole chunks.
    const saved = recovered(storage.copy(), s).pending;
    expect(saved.length).toBeGreaterThanOrEqual(40);
    expect(saved).toEqual(list.slice(0, saved.length).map((x) => x.id));
    net.offline = false;
    await o.flush();
    expect(o.state().pending).toBe(0);
    expect(o.state().storageError).toBeNull();
    expect(storage.map.size).toBe(0);
    expect((await stored(s.registration)).sort()).toEqual(list.map((x) => x.id).sort());
  });
});
