// Outbox throughput against the embedded LRS, for bench/xapi-runtime.bench.ts (issue 4):
// N realistic statements (pages experienced, matching questions answered) enqueued in one
// burst, then flushed by the outbox in batches over loopback to a fresh SQLite LRS; and,
// as a baseline measured in the same run, the same statements POSTed directly in batches
// of the same size with fetch, one request at a time, to another fresh LRS. The ratio of
// the two is what the outbox costs, and it survives a noisy shared machine where the
// absolute statements/s does not. Not a test; also runnable on its own:
//   node --import tsx bench/outbox-throughput.ts 2000 50 5   (statements, batch size, rounds)
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
}

export interface ThroughputComparison {
  outbox: ThroughputResult;
  /** The same statements POSTed directly, no outbox. */
  direct: ThroughputResult;
  /** outbox.perSecond / direct.perSecond. */
  ratio: number;
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

const result = (list: P.Statement[], batchSize: number, enqueueMs: number, flushMs: number, posts: number): ThroughputResult => ({
  statements: list.length,
  batchSize,
  bytesPerStatement: Math.round(JSON.stringify(list).length / list.length),
  enqueueMs: Math.round(enqueueMs),
  flushMs: Math.round(flushMs),
  perSecond: Math.round(list.length / ((enqueueMs + flushMs) / 1000)),
  posts,
});

/** The outbox delivering `list`: enqueued in one burst (no batching timer), then flushed. */
export function measureOutboxThroughput(list: P.Statement[], batchSize = 50): Promise<ThroughputResult> {
  return withLrs(async (lrs, auth, posts) => {
    const map = new Map<string, string>();
    const storage: KeyValueStorage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    const first = list[0] as { actor: P.Session['actor']; context: { registration: string } };
    const o = createOutbox({ endpoint: lrs.endpoint, auth, actor: first.actor, registration: first.context.registration, storage, batchSize, batchDelayMs: 60_000, events: null });
    let t = performance.now();
    for (const st of list) o.enqueue(st);
    await Promise.resolve();
    const enqueueMs = performance.now() - t;
    t = performance.now();
    await o.flush();
    const flushMs = performance.now() - t;
    o.stop();
    if (o.pending().length) throw new Error(`${o.pending().length} statements left undelivered`);
    if (o.rejected().length) throw new Error(`${o.rejected().length} statements rejected: ${o.rejected()[0]!.reason}`);
    return result(list, batchSize, enqueueMs, flushMs, posts());
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

/**
 * Both, `rounds` times (direct then outbox, each on a fresh LRS, after one small
 * discarded round that warms up the JIT and SQLite for both); the median round by ratio.
 */
export async function compareOutboxThroughput(n = 2000, batchSize = 50, rounds = 5): Promise<{ rounds: ThroughputComparison[]; median: ThroughputComparison }> {
  const warm = benchStatements(Math.min(n, 200));
  await measureDirectThroughput(warm, batchSize);
  await measureOutboxThroughput(warm, batchSize);
  const out: ThroughputComparison[] = [];
  for (let r = 0; r < rounds; r++) {
    const list = benchStatements(n);
    const direct = await measureDirectThroughput(list, batchSize);
    const outbox = await measureOutboxThroughput(list, batchSize);
    out.push({ outbox, direct, ratio: outbox.perSecond / direct.perSecond });
  }
  const sorted = [...out].sort((a, b) => a.ratio - b.ratio);
  return { rounds: out, median: sorted[Math.floor(sorted.length / 2)]! };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await compareOutboxThroughput(Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 50), Number(process.argv[4] ?? 5));
  process.stdout.write(`${JSON.stringify(r, null, 1)}\n`);
}
