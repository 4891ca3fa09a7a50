// The embedded xAPI 1.0.3 Learning Record Store: one function that opens the store
// (SQLite file or PostgreSQL URL), makes sure an admin key exists, and serves the xAPI
// resources with fastify. Used by `coursepack lrs`, the tests, and later the preview
// server and the report tool, all in-process. Nothing here prints: request log lines go
// to the injected logger.
import Fastify, { type FastifyInstance } from 'fastify';
import { AuthBusyError, createAdminKeyIfNone, keyAuthenticator, rateLimiter } from './keys.ts';
import { errorBody, httpError, LrsHttpError } from './http.ts';
import { openSqlite } from './storage/sqlite.ts';
import type { KeyRow, Storage } from './storage/types.ts';
import { statementRoutes } from './routes/statements.ts';
import { documentRoutes } from './routes/documents.ts';

declare module 'fastify' {
  interface FastifyRequest {
    key: KeyRow | null;
  }
}

export interface LrsOptions {
  /** SQLite file path (or ':memory:'), or a postgres:// URL. */
  db: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Receives one object per request (method, path, status, ms, key). */
  logger?: (line: object) => void;
  /** Requests per minute per key, unless the key sets its own; 0 = unlimited. Default 120000. */
  rateLimit?: number;
  /** Largest request body in bytes. Default 5 MiB. */
  bodyLimit?: number;
  /** Most statements in one POST. Default 1000. */
  maxBatch?: number;
  /** Most statements in one GET page. Default 500. */
  maxLimit?: number;
  /** account.homePage put in the authority of stored statements; default the endpoint URL. */
  homePage?: string;
  /** Create an admin key when the store has none (first run). Default true. */
  createAdminKey?: boolean;
  /** How long a verified key stays cached in a process (revocation delay across processes). Default 5000. */
  keyCacheMs?: number;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export interface Lrs {
  url: string;
  /** The xAPI endpoint, ending in `/xapi/`. */
  endpoint: string;
  /** Only on the first run against an empty store: the admin key, shown once. */
  adminKey?: { key: string; secret: string };
  storage: Storage;
  close(): Promise<void>;
}

export const XAPI_VERSION = '1.0.3';
const BASE = '/xapi/';

export async function openStorage(db: string, opts: { poolSize?: number } = {}): Promise<Storage> {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const { openPostgres } = await import('./storage/postgres.ts');
    return openPostgres(db, opts);
  }
  return openSqlite(db);
}

export async function createLrs(opts: LrsOptions): Promise<Lrs> {
  const storage = await openStorage(opts.db, { poolSize: opts.poolSize });
  try {
    const adminKey = opts.createAdminKey === false ? undefined : await createAdminKeyIfNone(storage);
    // The authority homePage is only known once the port is; routes read it through this.
    const homePage = { value: opts.homePage ?? '' };
    const app = buildApp(storage, opts, homePage);
    const host = opts.host ?? '127.0.0.1';
    await app.listen({ host, port: opts.port ?? 0 });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : opts.port;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${shownHost}:${port}`;
    homePage.value = opts.homePage ?? `${url}${BASE}`;
    return {
      url,
      endpoint: `${url}${BASE}`,
      adminKey,
      storage,
      async close() {
        await app.close();
        await storage.close();
      },
    };
  } catch (e) {
    await storage.close();
    throw e;
  }
}

function buildApp(storage: Storage, opts: LrsOptions, homePage: { value: string }): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024 });
  const auth = keyAuthenticator(storage, opts.keyCacheMs ?? 5000);
  const limit = rateLimiter(opts.rateLimit ?? 120_000);
  const log = opts.logger;

  // Every body arrives as bytes; each route decides how to parse (documents keep any type).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.decorateRequest('key', null);

  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    reply.header('X-Experience-API-Version', XAPI_VERSION);
    reply.header('Access-Control-Allow-Origin', origin ?? '*');
    if (origin) reply.header('Vary', 'Origin');
    reply.header(
      'Access-Control-Expose-Headers',
      'ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through, Retry-After',
    );
    if (req.method === 'OPTIONS') return;
    const path = req.url.split('?')[0]!;
    if (path === `${BASE}about` || !path.startsWith(BASE)) return;
    const version = req.headers['x-experience-api-version'];
    // 1.0.3 Communication §3.3: accept "1.0" and anything starting with "1.0.", refuse the rest.
    if (typeof version !== 'string' || !/^1\.0($|\.)/.test(version.trim())) {
      throw httpError(400, 'XAPI_VERSION_HEADER', version ? `unsupported X-Experience-API-Version ${version}` : 'the X-Experience-API-Version header is required', {
        hint: 'send X-Experience-API-Version: 1.0.3',
      });
    }
    let key: KeyRow | undefined;
    try {
      key = await auth.authenticate(req.headers.authorization);
    } catch (e) {
      if (!(e instanceof AuthBusyError)) throw e;
      reply.header('Retry-After', '1');
      throw httpError(429, 'LRS_AUTH_BUSY', 'too many credential checks at once; try again shortly');
    }
    if (!key) {
      const e = httpError(401, 'LRS_UNAUTHORIZED', 'valid HTTP Basic credentials (an LRS key and secret) are required');
      reply.header('WWW-Authenticate', 'Basic realm="coursepack LRS"');
      throw e;
    }
    req.key = key;
    const r = limit(key);
    if (!r.ok) {
      reply.header('Retry-After', String(r.retryAfterS));
      throw httpError(429, 'LRS_RATE_LIMIT', `this key is limited to ${key.rateLimit ?? opts.rateLimit} requests per minute`);
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    log?.({
      time: new Date().toISOString(),
      method: req.method,
      path: req.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      key: req.key?.id,
    });
  });

  app.setErrorHandler((err: any, _req, reply) => {
    if (err instanceof LrsHttpError) return reply.code(err.status).type('application/json').send(errorBody(err));
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const code = status === 413 ? 'LRS_BODY_TOO_LARGE' : status === 500 ? 'LRS_INTERNAL' : 'LRS_BAD_REQUEST';
    const message = status === 500 ? 'internal error' : String(err.message);
    if (status === 500) log?.({ time: new Date().toISOString(), level: 'error', error: String(err?.stack ?? err) });
    return reply.code(status).type('application/json').send(errorBody(new LrsHttpError(status, [{ code, severity: 'error', message }])));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).type('application/json').send(errorBody(httpError(404, 'LRS_NOT_FOUND', `no resource ${req.method} ${req.url.split('?')[0]}`)));
  });

  app.options(`${BASE}*`, async (req, reply) => {
    reply
      .header('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, DELETE, OPTIONS')
      .header('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match')
      .header('Access-Control-Max-Age', '86400')
      .code(204)
      .send();
  });

  app.get(`${BASE}about`, async (_req, reply) => reply.send({ version: [XAPI_VERSION, '1.0.2', '1.0.1', '1.0.0'], extensions: {} }));

  // Extension resource: a key's own limits, so `coursepack build` can refuse a key that
  // must not be embedded in a package (src/package/credentials.ts). Only about the caller.
  app.get(`${BASE}coursepack/key`, async (req, reply) => {
    const k = req.key!;
    return reply.send({ key: k.id, name: k.name, scopes: k.scopes, activityPrefix: k.activityPrefix, writeOnly: k.writeOnly });
  });

  const o = {
    storage,
    basePath: BASE,
    get homePage() {
      return homePage.value;
    },
    maxLimit: opts.maxLimit ?? 500,
    maxBatch: opts.maxBatch ?? 1000,
  };
  statementRoutes(app, o);
  documentRoutes(app, o);
  return app;
}
