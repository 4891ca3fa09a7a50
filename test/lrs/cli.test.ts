// `coursepack lrs` as a user runs it: first start prints the endpoint and an admin key
// once, logs one JSON line per request, `lrs key create|list|revoke` manage keys in the
// same database, and bad usage exits 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLrsProcess, type LrsProcess } from './cli-process.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { statement, xapiClient } from './helpers.ts';

describe('coursepack lrs (CLI)', () => {
  let dir: string;
  let db: string;
  let lrs: LrsProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coursepack-cli-'));
    db = join(dir, 'nested', 'lrs.sqlite');
    lrs = await startLrsProcess(['--db', db]);
  });
  afterAll(async () => {
    if (lrs && lrs.child.exitCode === null) {
      lrs.child.kill('SIGTERM');
      await lrs.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with no set-up, prints the endpoint and an admin key on first run', async () => {
    expect(lrs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/xapi\/$/);
    expect(lrs.adminKey?.key).toMatch(/^cpk_/);
    // Generous bound for a shared 2-core machine; typically about 0.35 s including tsx.
    expect(lrs.startedMs).toBeLessThan(5000);
    const r = await xapiClient(lrs.endpoint, lrs.adminKey!).post('statements', statement());
    expect(r.status).toBe(200);
  });

  it('logs one JSON line per request on stdout', async () => {
    await xapiClient(lrs.endpoint, lrs.adminKey!).get('statements', { limit: 1 });
    await new Promise((r) => setTimeout(r, 100));
    const lines = lrs
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.method === 'GET' && l.path === '/xapi/statements' && l.status === 200 && l.key === lrs.adminKey!.key)).toBe(true);
  });

  it('creates, lists and revokes keys in the same database', async () => {
    const made = await runCliAsync(['lrs', 'key', 'create', '--db', db, '--name', 'Moodle packages', '--scope', 'statements:write', '--activity-prefix', 'https://example.org/courses/x/', '--write-only', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const k = JSON.parse(made.stdout);
    expect(k).toMatchObject({ name: 'Moodle packages', scopes: ['statements:write'], writeOnly: true, activityPrefix: 'https://example.org/courses/x/' });
    const client = xapiClient(lrs.endpoint, { key: k.key, secret: k.secret });
    const list = await runCliAsync(['lrs', 'key', 'list', '--db', db]);
    expect(list.stdout).toContain(k.key);
    expect(list.stdout).toContain('write-only');
    expect(list.stdout).not.toContain(k.secret);
    const rev = await runCliAsync(['lrs', 'key', 'revoke', k.key, '--db', db]);
    expect(rev.code).toBe(0);
    expect((await client.post('statements', statement({ object: { id: 'https://example.org/courses/x/1' } }))).status).toBe(401);
    expect((await runCliAsync(['lrs', 'key', 'revoke', k.key, '--db', db])).code).toBe(1);
  });

  it('does not print a new admin key on later starts', async () => {
    const again = await startLrsProcess(['--db', db]);
    try {
      expect(again.adminKey).toBeUndefined();
      expect(again.stdout()).not.toContain('secret');
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  });

  it('refuses a database of another schema version with a clear error', async () => {
    const other = join(dir, 'future.sqlite');
    const Database = (await import('better-sqlite3')).default;
    const d = new Database(other);
    d.exec("CREATE TABLE lrs_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO lrs_meta VALUES ('schema_version', '99')");
    d.close();
    const r = await runCliAsync(['lrs', '--db', other, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('LRS_DB_SCHEMA');
  });

  it('exits 2 on bad usage and 1 on a bad scope', async () => {
    expect((await runCliAsync(['lrs', '--bogus'])).code).toBe(2);
    expect((await runCliAsync(['lrs', 'key', 'create', '--db', db, '--name', 'x'])).code).toBe(2);
    const bad = await runCliAsync(['lrs', 'key', 'create', '--db', db, '--name', 'x', '--scope', 'everything']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('LRS_KEY_SCOPE');
  });
});
