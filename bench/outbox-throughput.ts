// Outbox throughput against the embedded LRS, for bench/xapi-runtime.bench.ts (issue 4):
// N realistic statements (pages experienced, matching questions answered) enqueued in one
// burst, then flushed by the outbox in batches over loopback to a fresh SQLite LRS; and,
// as a baseline measured in the same run, the same statements POSTed directly in batches
// of the same size with fetch, one request at a time, to another fresh LRS. The ratio of
// the two is what the outbox costs, and it survives a noisy shared machine where the
// absolute statements/s does not. The outbox's Storage is an in-memory Web Storage that
// counts what is written to it (key + value, UTF-8 bytes, per setItem), reported per
// statement delivered and as a ratio to the bytes the direct baseline POSTs for the same
// statements (1 = each statement written to storage once). A second scenario, "trickle",
// is a learner offline for a long session: statements enqueued one per task (each its own
// storage write; fetch fails at once), the queue growing to `trickle` statements, then
// delivered once online.
// Not a test; also runnable on its own:
//   node --import tsx bench/outbox-throughput.ts 2000 50 5 1000   (statements, batch size, rounds, trickle statements)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLrs, type Lrs } from '../src/lrs/server.ts';
import { createOutbox, type KeyValueStorage } from '../src/xapi/outbox.ts';
import * as P from '../src/xapi/profile.ts';

export interface ThroughputResult {
  statements: number;
  batchSize: number;
  bytesPerStatement: number;
  /** Time spent in enqueue (the outbox writes its queue to storage first). */
  enqueueMs: number;
  flushMs: number;
  perSecond: number;
  posts: number;
  /** Bytes (key + value, UTF-8) the outbox passed to storage.setItem, and how many calls. */
  storageBytes: number;
  storageWrites: number;
  /** storageBytes / statements. */
  storageBytesPerStatement: number;
}

export interface ThroughputComparison {
  outbox: ThroughputResult;
  /** The same statements POSTed directly, no outbox. */
  direct: ThroughputResult;
  /** outbox.perSecond / direct.perSecond. */
  ratio: number;
  /** Bytes written to storage per byte of statements POSTed by the direct baseline. */
  storageRatio: number;
}

/** An in-memory Web Storage (Node has no localStorage) that counts what is written. */
export function countingStorage(): KeyValueStorage & { bytes: number; writes: number; map: Map<string, string> } {
  const map = new Map<string, string>();
  const enc = new TextEncoder();
  const s = {
    map,
    bytes: 0,
    writes: 0,
    getItem: (k: string) => map.get(k) ?? null,
    setItem(k: string, v: string) {
      s.bytes += enc.encode(k).length + enc.encode(v).length;
      s.writes++;
      map.set(k, String(v));
    },
    removeItem: (k: string) => void map.delete(k),
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
  };
  return s;
}

const SESSION: P.Session = {
  actor: { objectType: 'Agent', name: 'Bench Learner', account: { homePage: 'https://lms.example.org', name: 'bench-1' } },
  registration: '00000000-0000-4000-8000-000000000000',
  course: { iri: 'https://courses.example.org/bench', title: 'Bench course', version: '1.0.0', language: 'en-GB' },
  module: { id: 'm1', title: 'Module one', description: 'A module' },
  platform: 'coursepack bench',
};
const QUIZ = { id: 'check', title: 'Check your understanding' };
const MATCHING: P.QuestionInput = {
  type: 'matching', id: 'q5', quiz: 'check', prompt: 'Match the terms', weighting: 1,
  pairs: [
    { source: { id: 'privacy', text: 'Privacy' }, target: { id: 'curtain', text: 'Closing the curtain' } },
    { source: { id: 'choice', text: 'Choice' }, target: { id: 'menu', text: 'Offering a menu' } },
    { source: { id: 'pain', text: 'Pain' }, target: { id: 'ask', text: 'Asking about pain' } },
  ],
};

/** n statements of one registration, half pages experienced, half questions answered. */
export function benchStatements(n: number, registration = randomUUID()): P.Statement[] {
  const s = { ...SESSION, registration };
  return Array.from({ length: n }, (_, i) =>
    i % 2 ? P.answeredQuestion(s, QUIZ, MATCHING, [0, 1, 2], { durationMs: 4000 }) : P.experiencedPage(s, { id: `p${i}`, title: `Page ${i}` }, { durationMs: 30_000 }),
  );
}

/** A fresh SQLite LRS in a temporary folder, counting POST requests; removed after `run`. */
async function withLrs<T>(run: (lrs: Lrs, auth: string, posts: () => number) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-outbox-bench-'));
  let posts = 0;
  const lrs = await createLrs({ db: join(dir, 'lrs.db'), port: 0, rateLimit: 0, logger: (l: any) => void (l.method === 'POST' && posts++) });
  try {
    const auth = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
    return await run(lrs, auth, () => posts);
  } finally {
    await lrs.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = (list: P.Statement[], batchSize: number, enqueueMs: number, flushMs: number, posts: number, storage = { bytes: 0, writes: 0 }): ThroughputResult => ({
  statements: list.length,
  batchSize,
  bytesPerStatement: Math.round(JSON.stringify(list).length / list.length),
  enqueueMs: Math.round(enqueueMs),
  flushMs: Math.round(flushMs),
  perSecond: Math.round(list.length / ((enqueueMs + flushMs) / 1000)),
  posts,
  storageBytes: storage.bytes,
  storageWrites: storage.writes,
  storageBytesPerStatement: Math.round(storage.bytes / list.length),
});

/**
 * The outbox delivering `list`: enqueued in one burst (no batching timer), or with
 * `trickle` one statement per task as a learner's actions come, then flushed.
 */
export function measureOutboxThroughput(list: P.Statement[], batchSize = 50, trickle = false): Promise<ThroughputResult> {
  return withLrs(async (lrs, auth, posts) => {
    const storage = countingStorage();
    const first = list[0] as { actor: P.Session['actor']; context: { registration: string } };
    // Trickle: the browser is offline while the statements come (fetch fails at once), online for the flush.
    let offline = trickle;
    const net: typeof fetch = (url, init) => (offline ? Promise.reject(new TypeError('Failed to fetch')) : fetch(url, init));
    const o = createOutbox({ endpoint: lrs.endpoint, auth, actor: first.actor, registration: first.context.registration, storage, batchSize, batchDelayMs: 60_000, events: null, fetch: net });
    let t = performance.now();
    for (const st of list) {
      o.enqueue(st);
      if (trickle) await new Promise((r) => setImmediate(r));
    }
    await Promise.resolve();
    const enqueueMs = performance.now() - t;
    offline = false;
    t = performance.now();
    await o.flush();
    const flushMs = performance.now() - t;
    o.stop();
    if (o.pending().length) throw new Error(`${o.pending().length} statements left undelivered`);
    if (o.rejected().length) throw new Error(`${o.rejected().length} statements rejected: ${o.rejected()[0]!.reason}`);
    if (storage.map.size) throw new Error(`${storage.map.size} storage keys left after delivery`);
    return result(list, batchSize, enqueueMs, flushMs, posts(), storage);
  });
}

/** The baseline: `list` POSTed in batches with fetch, one request at a time, no outbox. */
export function measureDirectThroughput(list: P.Statement[], batchSize = 50): Promise<ThroughputResult> {
  return withLrs(async (lrs, auth, posts) => {
    const headers = { Authorization: auth, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' };
    const t = performance.now();
    for (let i = 0; i < list.length; i += batchSize) {
      const res = await fetch(`${lrs.endpoint}statements`, { method: 'POST', headers, body: JSON.stringify(list.slice(i, i + batchSize)) });
      if (!res.ok) throw new Error(`POST statements: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
    return result(list, batchSize, 0, performance.now() - t, posts());
  });
}

/** UTF-8 bytes of the statements as the direct baseline POSTs them. */
const postedBytes = (list: P.Statement[]) => new TextEncoder().encode(JSON.stringify(list)).length;

/**
 * Both, `rounds` times (direct then outbox, each on a fresh LRS, after one small
 * discarded round that warms up the JIT and SQLite for both); the median round by ratio.
 */
export async function compareOutboxThroughput(n = 2000, batchSize = 50, rounds = 5): Promise<{ rounds: ThroughputComparison[]; median: ThroughputComparison }> {
  return compare(n, batchSize, rounds, false);
}

/** The trickle scenario (one enqueue per task while offline, then delivery), same shape. */
export function compareTrickle(n = 1000, batchSize = 50, rounds = 1): Promise<{ rounds: ThroughputComparison[]; median: ThroughputComparison }> {
  return compare(n, batchSize, rounds, true);
}

async function compare(n: number, batchSize: number, rounds: number, trickle: boolean): Promise<{ rounds: ThroughputComparison[]; median: ThroughputComparison }> {
  const warm = benchStatements(Math.min(n, 200));
  await measureDirectThroughput(warm, batchSize);
  await measureOutboxThroughput(warm, batchSize);
  const out: ThroughputComparison[] = [];
  for (let r = 0; r < rounds; r++) {
    const list = benchStatements(n);
    const direct = await measureDirectThroughput(list, batchSize);
    const outbox = await measureOutboxThroughput(list, batchSize, trickle);
    out.push({ outbox, direct, ratio: outbox.perSecond / direct.perSecond, storageRatio: outbox.storageBytes / postedBytes(list) });
  }
  const sorted = [...out].sort((a, b) => a.ratio - b.ratio);
  return { rounds: out, median: sorted[Math.floor(sorted.length / 2)]! };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const batch = Number(process.argv[3] ?? 50);
  const burst = await compareOutboxThroughput(Number(process.argv[2] ?? 2000), batch, Number(process.argv[4] ?? 5));
  const trickle = await compareTrickle(Number(process.argv[5] ?? 1000), batch, 1);
  const line = (name: string, c: ThroughputComparison) =>
    `${name}: ${c.outbox.statements} statements, ${c.outbox.perSecond} statements/s vs direct ${c.direct.perSecond} (ratio ${c.ratio.toFixed(2)}); ` +
    `storage ${c.outbox.storageBytes} B in ${c.outbox.storageWrites} writes = ${c.outbox.storageBytesPerStatement} B per statement delivered, ` +
    `${c.storageRatio.toFixed(2)}× the bytes POSTed directly\n`;
  for (const r of burst.rounds) process.stdout.write(line('burst round', r));
  process.stdout.write(line('burst median', burst.median));
  process.stdout.write(line('trickle', trickle.median));
}
