// No acknowledged statement is ever lost: the LRS process is SIGKILLed in the middle of
// a stream of concurrent POSTs (single statements and batches); after a restart on the
// same SQLite file (or PostgreSQL database) every statement that got a 200 is there
// exactly once, and every batch is either wholly present or wholly absent.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startLrsProcess, type LrsProcess } from './cli-process.ts';
import { BACKENDS, freshDb, statement, stopPostgres, xapiClient } from './helpers.ts';

afterAll(stopPostgres);

describe.each(BACKENDS)('durability on %s', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'coursepack-durability-'));
  const running: LrsProcess[] = [];
  let cleanup = async () => {};
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await cleanup();
  });

  it('every statement acknowledged before a SIGKILL is present exactly once after restart', async () => {
    let db = join(dir, 'lrs.sqlite');
    if (backend === 'postgres') {
      const fresh = await freshDb('postgres');
      db = fresh.db;
      cleanup = fresh.cleanup;
    }
    const first = await startLrsProcess(['--db', db, '--quiet', '--rate-limit', '0']);
    running.push(first);
    const creds = first.adminKey!;
    const client = xapiClient(first.endpoint, creds);
    const acked = new Set<string>();
    const batches: string[][] = [];
    let stop = false;
    let killed = false;
    const killAt = 400;

    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const size = (i + w) % 2 === 0 ? 1 : 10;
        const list = Array.from({ length: size }, () => statement({ id: randomUUID() }));
        batches.push(list.map((s) => s.id));
        try {
          const r = await client.post('statements', size === 1 ? list[0] : list);
          if (r.status !== 200) throw new Error(`status ${r.status}: ${r.text}`);
          for (const id of r.json) acked.add(id);
        } catch (e) {
          if (!killed) throw e;
          return; // connection refused or reset by the kill: not acknowledged
        }
        if (acked.size >= killAt && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    const writers = Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    await first.exited;
    stop = true;
    await writers;
    expect(killed).toBe(true);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(killAt);

    const second = await startLrsProcess(['--db', db, '--quiet']);
    running.push(second);
    expect(second.adminKey).toBeUndefined();
    const after = xapiClient(second.endpoint, creds);
    const seen = new Map<string, number>();
    let r = await after.get('statements', { limit: 500 });
    for (;;) {
      expect(r.status).toBe(200);
      for (const s of r.json.statements) seen.set(s.id, (seen.get(s.id) ?? 0) + 1);
      if (!r.json.more) break;
      r = await after.get(r.json.more);
    }
    const missing = [...acked].filter((id) => !seen.has(id));
    expect(missing).toEqual([]);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const b of batches) {
      const present = b.filter((id) => seen.has(id)).length;
      expect(present === 0 || present === b.length, `batch of ${b.length} partly stored (${present})`).toBe(true);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
