// Outbox throughput against the embedded LRS, for `npm run bench` to import (bench/ is
// wired by the lead): N realistic statements enqueued in one burst, then flushed in
// batches over loopback to a fresh SQLite LRS. Not a test; run directly with
//   node --import tsx test/xapi/outbox-throughput.ts 2000
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLrs } from '../../src/lrs/server.ts';
import { createOutbox, type KeyValueStorage } from '../../src/xapi/outbox.ts';
import * as P from '../../src/xapi/profile.ts';
import { Q, QUIZ, session } from './fixtures.ts';

export interface ThroughputResult {
  statements: number;
  batchSize: number;
  bytesPerStatement: number;
  enqueueMs: number;
  flushMs: number;
  perSecond: number;
  posts: number;
}

export async function measureOutboxThroughput(n = 2000, batchSize = 50): Promise<ThroughputResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-outbox-bench-'));
  let posts = 0;
  const lrs = await createLrs({ db: join(dir, 'lrs.db'), port: 0, logger: (l: any) => void (l.method === 'POST' && posts++) });
  try {
    const auth = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
    const map = new Map<string, string>();
    const storage: KeyValueStorage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    const s = session({ registration: randomUUID() });
    const o = createOutbox({ endpoint: lrs.endpoint, auth, actor: s.actor, registration: s.registration, storage, batchSize, batchDelayMs: 60_000 });
    const list = Array.from({ length: n }, (_, i) =>
      i % 2 ? P.answeredQuestion(s, QUIZ, Q.matching, [0, 1, 2], { durationMs: 4000 }) : P.experiencedPage(s, { id: `p${i}`, title: `Page ${i}` }, { durationMs: 30_000 }),
    );
    let t = performance.now();
    for (const st of list) o.enqueue(st);
    await Promise.resolve();
    const enqueueMs = performance.now() - t;
    t = performance.now();
    await o.flush();
    const flushMs = performance.now() - t;
    o.stop();
    if (o.pending().length) throw new Error(`${o.pending().length} statements left undelivered`);
    return {
      statements: n,
      batchSize,
      bytesPerStatement: Math.round(JSON.stringify(list).length / n),
      enqueueMs: Math.round(enqueueMs),
      flushMs: Math.round(flushMs),
      perSecond: Math.round(n / ((enqueueMs + flushMs) / 1000)),
      posts,
    };
  } finally {
    await lrs.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureOutboxThroughput(Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 50)).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
}
