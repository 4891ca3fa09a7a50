// API keys for the LRS: HTTP Basic credentials with scopes, an optional activity-IRI
// prefix and a write-only flag, so a key baked into a package can report statements but
// never read anyone's record. Secrets are scrypt-hashed at rest and compared in
// constant time; a short in-memory cache keeps scrypt off the hot path.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { problem, CoursepackError } from '../errors.ts';
import type { KeyRow, Storage } from './storage/types.ts';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

export const SCOPES = ['all', 'statements:read', 'statements:write', 'state', 'define'] as const;
export type Scope = (typeof SCOPES)[number];

/** What a request wants to do; mapped onto scopes by `allows`. */
export type Action = 'statements:read' | 'statements:write' | 'state:read' | 'state:write' | 'profile:read' | 'profile:write' | 'define' | 'activities:read' | 'agents:read';

export interface NewKey {
  name: string;
  scopes: string[];
  activityPrefix?: string | null;
  writeOnly?: boolean;
  rateLimit?: number | null;
}

const N = 16384;
const R = 8;
const P = 1;

async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const got = await scrypt(secret, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(got, expected);
}

export function checkScopes(scopes: string[]): void {
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length > 0 || scopes.length === 0) {
    throw new CoursepackError(
      problem('LRS_KEY_SCOPE', bad.length ? `unknown scope ${bad.join(', ')}` : 'a key needs at least one scope', {
        hint: `scopes are ${SCOPES.join(', ')}`,
      }),
    );
  }
}

/** Creates a key; the secret is returned once and only its hash is stored. */
export async function createKey(storage: Storage, k: NewKey): Promise<{ key: string; secret: string; row: KeyRow }> {
  const made = await newKey(k);
  await storage.createKey(made.row);
  return made;
}

/** Creates the admin key on an empty store; undefined when some key already exists (e.g. another process was first). */
export async function createAdminKeyIfNone(storage: Storage): Promise<{ key: string; secret: string } | undefined> {
  if ((await storage.countKeys()) > 0) return undefined;
  const made = await newKey({ name: 'admin', scopes: ['all'] });
  return (await storage.createFirstKey(made.row)) ? { key: made.key, secret: made.secret } : undefined;
}

async function newKey(k: NewKey): Promise<{ key: string; secret: string; row: KeyRow }> {
  checkScopes(k.scopes);
  const key = `cpk_${randomBytes(10).toString('hex')}`;
  const secret = randomBytes(24).toString('base64url');
  const row: KeyRow = {
    id: key,
    name: k.name,
    scopes: [...new Set(k.scopes)],
    activityPrefix: k.activityPrefix || null,
    writeOnly: !!k.writeOnly,
    secretHash: await hashSecret(secret),
    createdMs: Date.now(),
    revokedMs: null,
    rateLimit: k.rateLimit ?? null,
  };
  return { key, secret, row };
}

/** Whether a key may do an action (prefix limits are checked where the IRIs are known). */
export function allows(k: KeyRow, action: Action): boolean {
  const has = (s: Scope) => k.scopes.includes('all') || k.scopes.includes(s);
  const reading = action.endsWith(':read');
  if (k.writeOnly && reading && action !== 'activities:read') return false;
  switch (action) {
    case 'statements:read':
      return has('statements:read');
    case 'statements:write':
      return has('statements:write');
    case 'state:read':
    case 'state:write':
      return has('state');
    case 'profile:read':
    case 'profile:write':
    case 'define':
      return has('define');
    case 'activities:read':
      return true;
    case 'agents:read':
      return has('statements:read');
  }
}

export function withinPrefix(k: KeyRow, iri: string): boolean {
  return !k.activityPrefix || iri.startsWith(k.activityPrefix);
}

/** Too many unverified credentials are waiting for scrypt: answer 429 instead of queueing. */
export class AuthBusyError extends Error {}

/**
 * Verifies Basic credentials. A verified secret is remembered by its SHA-256 (compared in
 * constant time); after `ttlMs` only the key row is re-read, to notice revocation — a
 * key's secret never changes, so scrypt runs once per key and process. At most
 * `maxScrypt` scrypt checks run at once and `maxQueued` wait, so a flood of wrong
 * secrets cannot take the CPU from everyone else.
 */
export function keyAuthenticator(storage: Storage, ttlMs = 5000, maxScrypt = 2, maxQueued = 32) {
  const cache = new Map<string, { digest: Buffer; row: KeyRow; at: number }>();
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (running < maxScrypt) {
      running++;
      return;
    }
    if (waiting.length >= maxQueued) throw new AuthBusyError('too many credential checks in progress');
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async authenticate(header: string | undefined): Promise<KeyRow | undefined> {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
      if (!m) return undefined;
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      const id = decoded.slice(0, colon);
      const secret = decoded.slice(colon + 1);
      const digest = createHash('sha256').update(secret).digest();
      const hit = cache.get(id);
      if (hit && timingSafeEqual(hit.digest, digest)) {
        if (Date.now() - hit.at < ttlMs) return hit.row;
        const row = await storage.getKey(id);
        if (!row || row.revokedMs !== null) {
          cache.delete(id);
          return undefined;
        }
        cache.set(id, { digest, row, at: Date.now() });
        return row;
      }
      const row = await storage.getKey(id);
      if (!row || row.revokedMs !== null) return undefined;
      await slot();
      let ok: boolean;
      try {
        ok = await verifySecret(secret, row.secretHash);
      } finally {
        release();
      }
      if (!ok) return undefined;
      cache.set(id, { digest, row, at: Date.now() });
      return row;
    },
    forget(id: string): void {
      cache.delete(id);
    },
  };
}

/** Token bucket per key: `perMinute` requests, bursts up to a tenth of a minute's worth. */
export function rateLimiter(defaultPerMinute: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (k: KeyRow): { ok: true } | { ok: false; retryAfterS: number } => {
    const perMinute = k.rateLimit ?? defaultPerMinute;
    if (!perMinute || perMinute <= 0) return { ok: true };
    const capacity = Math.max(1, Math.ceil(perMinute / 6));
    const perMs = perMinute / 60_000;
    const now = Date.now();
    const b = buckets.get(k.id) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMs);
    b.at = now;
    buckets.set(k.id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.ceil((1 - b.tokens) / perMs / 1000) };
  };
}
