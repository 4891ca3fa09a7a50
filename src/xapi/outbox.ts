// Statement delivery that never loses a statement: every statement is written to a
// persistent outbox (localStorage, per endpoint + actor + registration) before any
// request, and leaves it only when the LRS has stored it or has definitively refused
// it. Statement ids are assigned at creation (src/xapi/profile.ts), so a resend — after a
// timeout, a closed page, a second tab — can never create a duplicate: an LRS stores the
// same id with the same content once. POSTs are batched; failures back off exponentially
// with jitter up to a cap; on pagehide what fits the 64 KiB keepalive budget is sent with
// fetch(..., { keepalive: true }); whatever is still queued goes out on the next launch.
//
// Responses: 2xx = delivered. 5xx, 408, 429 (honouring Retry-After), 401 (credentials, not
// the statement, are wrong — a cmi5 AU may refresh them with setAuth) and network errors
// are retried. Any other 4xx rejects the request as a whole (xAPI batches are
// all-or-nothing), so the batch is split in halves until the offending statement is
// alone; that one moves to the `rejected` list with the LRS's reason, the rest are sent.
// 409 means "this id is already stored": for a statement an earlier request of ours may
// have stored (the response was lost), that is our own copy and counts as delivered; for
// one never sent before it is someone else's statement and is rejected.
//
// Storage: a queue is kept in chunks, each a JSON box {"q":[{"s":statement,"u"?:1}],"r":[]}.
// The first is under "coursepack.xapi.outbox\n<endpoint>\n<actor>\n<registration>" and holds
// up to one batch, so a short queue is exactly the single key earlier versions wrote; later
// ones are under that key + "\n" + an id (creation time, base 36, fixed width, then a tag of
// the instance) and take appends up to 8 KiB. An enqueue rewrites only the chunk it goes
// to and a delivered batch only the chunk it ends in (emptied chunks are removed), so what
// is written does not grow with the queue (the whole queue was rewritten before). Ids a
// request may have stored ("maybe stored", for the 409 rule) are a list under
// "coursepack.xapi.sent\n…", the rejected list is under "coursepack.xapi.rejected\n…".
// Queues in the earlier format are read where they are: the box is a first chunk, and its
// rejected list is saved under its own key before the box is rewritten without it. Each
// instance appends only to chunks it made, and merges into a chunk what another tab wrote
// there before writing it. Every write leaves each statement queued, rejected or stored
// (test/xapi/outbox-storage.test.ts checks every intermediate state).
// Browser-safe: no Node imports; Storage and fetch are injected for tests.
import type { Actor } from '@xapi/xapi';

/** The part of the Web Storage interface the outbox uses (window.localStorage in a browser). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  /**
   * With these two, a long queue is kept in chunks and queues left under an earlier
   * registration of the same learner are adopted; without them the queue is one key.
   */
  readonly length?: number;
  key?(index: number): string | null;
}

/** Any xAPI statement that already has its id (src/xapi/profile.ts assigns one at creation). */
export interface StatementLike {
  readonly id: string;
}

export interface OutboxOptions {
  /** The xAPI endpoint, e.g. https://lrs.example.org/xapi/ (trailing slash optional). */
  endpoint: string;
  /** Authorization header value, e.g. "Basic …"; may be given later with setAuth. */
  auth?: string;
  actor: Actor;
  registration: string;
  storage: KeyValueStorage;
  fetch?: typeof fetch;
  /** Most statements per POST. Default 50. */
  batchSize?: number;
  /** Wait after an enqueue so a burst of statements shares one POST. Default 100 ms. */
  batchDelayMs?: number;
  /** First retry delay and the cap. Defaults 1 s and 60 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Abort a request that has not answered after this long (counts as a network failure). Default 20 s. */
  requestTimeoutMs?: number;
  /** Bytes of statements sent with keepalive on pagehide; browsers allow 64 KiB in flight. Default 65 000. */
  keepaliveBytes?: number;
  /** Listen to pagehide/pageshow/online on this target (default globalThis when it has addEventListener; null: none). */
  events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null;
  /** 0 ≤ x < 1, for the jitter. */
  random?: () => number;
}

export interface Rejected {
  statement: StatementLike;
  status: number;
  reason: string;
  at: string;
}

export interface OutboxState {
  pending: number;
  rejected: number;
  sending: boolean;
  /** Failed attempts in a row (0 after a success). */
  failures: number;
  /** Delay of the scheduled retry, or null when none is scheduled. */
  retryInMs: number | null;
  lastError: string | null;
  /** Statements this outbox saw stored by the LRS since it was created. */
  delivered: number;
  /** Set when localStorage refused a write (quota, privacy mode): the queue then lives in memory only. */
  storageError: string | null;
}

export interface Outbox {
  /** Adds a statement (it must already have its id) and schedules a send. */
  enqueue(statement: StatementLike): void;
  /** Sends everything queued now; resolves when the queue is empty or a retry is scheduled. */
  flush(): Promise<void>;
  /** Statements not yet delivered, oldest first. */
  pending(): StatementLike[];
  rejected(): Rejected[];
  state(): OutboxState;
  onChange(listener: (s: OutboxState) => void): () => void;
  /** Hands what fits the keepalive budget to the browser; returns how many statements. */
  flushOnPageHide(): number;
  setAuth(auth: string): void;
  /** Cancels timers and listeners; the queue stays in storage for the next launch. */
  stop(): void;
}

interface Entry {
  s: StatementLike;
  /** 1 when a request that may have stored it got no definite answer. */
  u?: 1;
}

/** What one storage key holds: the shape every version of the outbox has written. */
interface Box {
  q: Entry[];
  r: Rejected[];
}

/** A run of the queue kept under one key (see "Storage" above). */
interface Chunk {
  key: string;
  q: Entry[];
  /** What this instance last read or wrote under the key (null: nothing); other tabs' changes show as a difference. */
  raw: string | null;
  /** Made by this instance, which alone appends to it; other chunks are only trimmed and removed. */
  own: boolean;
  /** Still holds a rejected list of the earlier format in storage, to keep until that list is saved elsewhere. */
  hadR?: boolean;
}

const KEY_PREFIX = 'coursepack.xapi.outbox';
const REJECTED_PREFIX = 'coursepack.xapi.rejected';
const SENT_PREFIX = 'coursepack.xapi.sent';
/** Rejections kept for inspection; older ones are dropped. */
const MAX_REJECTED = 200;
/**
 * Characters after which a chunk takes no more appends (an append rewrites the chunk): the
 * outbox key's own chunk holds up to a batch as it always did, later ones are kept smaller.
 */
const FIRST_CHUNK_CHARS = 128 * 1024;
const CHUNK_CHARS = 8 * 1024;

function actorKey(a: Actor): string {
  const x = a as Record<string, any>;
  if (x.mbox) return String(x.mbox);
  if (x.mbox_sha1sum) return `sha1:${x.mbox_sha1sum}`;
  if (x.openid) return String(x.openid);
  if (x.account) return `${x.account.homePage}|${x.account.name}`;
  return JSON.stringify(a);
}

/** The key of an outbox's first chunk; further chunks are this key + "\n" + a chunk id. */
export function outboxKey(endpoint: string, actor: Actor, registration: string): string {
  return `${KEY_PREFIX}\n${endpoint}\n${actorKey(actor)}\n${registration}`;
}

/** Every key of the storage that starts with `prefix` (none when the storage cannot list its keys). */
function keysWith(storage: KeyValueStorage, prefix: string): string[] {
  const out: string[] = [];
  if (typeof storage.key !== 'function' || typeof storage.length !== 'number') return out;
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k && k.startsWith(prefix)) out.push(k);
  }
  return out;
}

/**
 * Chunk order: first chunks (no id; ours, then other registrations'), then by id, which
 * starts with the creation time.
 */
function byId(own: string, prefix: string): (a: Chunk, b: Chunk) => number {
  const rank = (k: string): string => (k === own ? '' : `${k.slice(prefix.length).split('\n')[1] ?? ''}\n${k}`);
  return (a, b) => (rank(a.key) < rank(b.key) ? -1 : rank(a.key) > rank(b.key) ? 1 : 0);
}

function parseBox(raw: string | null): Box | null {
  if (!raw) return null;
  try {
    const b = JSON.parse(raw) as Box;
    return Array.isArray(b?.q) && Array.isArray(b?.r) ? b : null;
  } catch {
    return null;
  }
}

function parseIds(raw: string | null): string[] {
  try {
    const r = raw ? JSON.parse(raw) : [];
    return Array.isArray(r) ? r.filter((x) => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parseRejected(raw: string | null): Rejected[] {
  try {
    const r = raw ? JSON.parse(raw) : [];
    return Array.isArray(r) ? r.filter((x) => x?.statement && typeof x.statement.id === 'string') : [];
  } catch {
    return [];
  }
}

const bytes = (s: string): number => new TextEncoder().encode(s).length;
const message = (e: unknown): string => String((e as Error)?.message ?? e);

type Outcome = { kind: 'done' } | { kind: 'retry'; error: string; retryAfterMs: number };

export function createOutbox(o: OutboxOptions): Outbox {
  const endpoint = o.endpoint.endsWith('/') ? o.endpoint : `${o.endpoint}/`;
  const key = outboxKey(endpoint, o.actor, o.registration);
  /** Keys of every queue of this endpoint and learner, whatever the registration. */
  const learner = key.slice(0, key.lastIndexOf('\n') + 1);
  const rejectedKey = REJECTED_PREFIX + key.slice(KEY_PREFIX.length);
  const sentKey = SENT_PREFIX + key.slice(KEY_PREFIX.length);
  const storage = o.storage;
  // Without key()/length the next launch could not find further chunks: one chunk then, as before.
  const canList = typeof storage.key === 'function' && typeof storage.length === 'number';
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const batchSize = Math.max(1, o.batchSize ?? 50);
  const batchDelay = o.batchDelayMs ?? 100;
  const base = o.retryBaseMs ?? 1000;
  const cap = o.retryMaxMs ?? 60_000;
  const timeout = o.requestTimeoutMs ?? 20_000;
  const keepaliveBytes = o.keepaliveBytes ?? 65_000;
  const random = o.random ?? Math.random;
  let auth = o.auth;

  /** The queue as this instance knows it, oldest chunk first; written through to storage once per task. */
  let chunks: Chunk[] = [];
  /** Where each queued statement is, by id. */
  const where = new Map<string, { c: Chunk; e: Entry }>();
  /** Chunks changed since the last write. */
  const dirty = new Set<Chunk>();
  let rejected: Rejected[] = [];
  let rejectedDirty = false;
  /** Rejected lists of other registrations, removed once ours (which took them in) is saved. */
  let staleRejected: string[] = [];
  /** Ids this instance delivered or rejected, so another tab's older copy cannot bring them back. */
  const gone = new Set<string>();
  /**
   * Queued statements marked "maybe stored" (Entry.u), kept under their own small key so
   * marking a batch before its request rewrites a list of ids, not the chunks.
   */
  const unsure = new Set<string>();
  let unsureDirty = false;
  /** What this instance last read or wrote under sentKey, and the ids in it that other tabs hold. */
  let sentRaw: string | null = null;
  let foreignSent: string[] = [];
  /** Lists of other registrations, removed once ours (which took them in) is saved. */
  let staleSent: string[] = [];
  /** Chunk ids: creation time (base 36, fixed width, so they sort) and a tag of this instance. */
  const tag = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
  let lastTime = 0;
  let writeQueued = false;
  const st: OutboxState = { pending: 0, rejected: 0, sending: false, failures: 0, retryInMs: null, lastError: null, delivered: 0, storageError: null };
  const listeners = new Set<(s: OutboxState) => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let retrying = false;
  let running: Promise<void> | null = null;
  let stopped = false;

  /** A new rejection goes last; ones read from storage (older) go first, unless already listed. */
  function addRejected(list: Rejected[], isNew: boolean): void {
    const have = new Set(rejected.map((r) => r.statement.id));
    const extra = list.filter((r) => isNew || !have.has(r.statement.id));
    if (!extra.length) return;
    rejected = isNew ? [...rejected, ...extra] : [...extra, ...rejected];
    rejected = rejected.slice(-MAX_REJECTED);
    rejectedDirty = true;
  }

  /** Adds what a chunk's stored box holds and this instance has not seen (another tab, an earlier launch). */
  function absorb(c: Chunk, b: Box): void {
    for (const e of b.q) {
      const id = e?.s?.id;
      if (typeof id !== 'string' || where.has(id) || gone.has(id)) continue;
      const x: Entry = { s: e.s };
      c.q.push(x);
      where.set(id, { c, e: x });
      if (e.u) mark(x, true);
    }
    if (b.r.length) {
      // The earlier format kept rejections in the box: moved to their own key, then dropped here.
      addRejected(b.r.filter((r) => r?.statement && typeof r.statement.id === 'string'), false);
      c.hadR = true;
    }
  }

  // Storage is written once per task (a microtask after the last change), so a burst of
  // enqueues costs one write per chunk touched; the microtask still runs before the page can
  // go away. Before a chunk is written, whatever another tab added under its key is merged in.
  function persist(): void {
    writeQueued = false;
    const list = [...dirty];
    dirty.clear();
    const seen = new Map<Chunk, string | null | undefined>();
    for (const c of list) {
      let raw: string | null | undefined;
      try {
        raw = storage.getItem(c.key);
        if (raw !== c.raw) {
          const b = parseBox(raw);
          if (b) absorb(c, b);
        }
      } catch {
        // Unreadable storage: this instance's copy is the queue.
      }
      seen.set(c, raw);
    }
    let error: string | null = null;
    // Rejections before the chunks, so a rejected statement is in one place or both, never none.
    if (rejectedDirty) {
      try {
        if (rejected.length) storage.setItem(rejectedKey, JSON.stringify(rejected));
        else storage.removeItem(rejectedKey);
        rejectedDirty = false;
        for (const k of staleRejected) storage.removeItem(k);
        staleRejected = [];
      } catch (e) {
        error = message(e);
      }
    }
    // Emptied chunks first: removing them gives a full storage room for the rest.
    list.sort((a, b) => a.q.length - b.q.length);
    for (const c of list) {
      if (c.hadR && rejectedDirty) {
        dirty.add(c);
        continue;
      }
      const raw = c.q.length ? JSON.stringify({ q: c.q, r: [] }) : null;
      try {
        if (raw === null) {
          if (seen.get(c) !== null) storage.removeItem(c.key);
        } else if (raw !== seen.get(c)) storage.setItem(c.key, raw);
        c.raw = raw;
        c.hadR = false;
      } catch (e) {
        error = message(e);
        dirty.add(c);
      }
    }
    // The "maybe stored" list after the chunks: a statement leaves the queue before its mark does.
    if (unsureDirty) {
      try {
        const raw = storage.getItem(sentKey);
        // Marks another tab made on statements this instance does not hold are kept.
        if (raw !== sentRaw) foreignSent = parseIds(raw);
        foreignSent = foreignSent.filter((id) => !where.has(id) && !gone.has(id));
        const ids = [...unsure, ...foreignSent];
        const value = ids.length ? JSON.stringify(ids) : null;
        if (value === null) {
          if (raw !== null) storage.removeItem(sentKey);
        } else if (value !== raw) storage.setItem(sentKey, value);
        sentRaw = value;
        unsureDirty = false;
        for (const k of staleSent) storage.removeItem(k);
        staleSent = [];
      } catch (e) {
        error = message(e);
      }
    }
    // An emptied chunk is forgotten once removed, except the one this instance appends to.
    const tail = chunks[chunks.length - 1];
    chunks = chunks.filter((c) => c.q.length || dirty.has(c) || (c === tail && c.own));
    st.storageError = error;
    changed();
  }

  function changed(): void {
    st.pending = chunks.reduce((n, c) => n + c.q.length, 0);
    st.rejected = rejected.length;
    const snapshot = { ...st };
    for (const l of listeners) l(snapshot);
  }

  function touch(c: Chunk | null): void {
    if (c) dirty.add(c);
    if (!writeQueued) {
      writeQueued = true;
      queueMicrotask(persist);
    }
  }

  /** The chunk a new statement goes to: this instance's last one while it has room, else a new one. */
  function openChunk(): Chunk {
    const t = chunks[chunks.length - 1];
    if (t?.own && (!canList || (t.q.length < batchSize && (t.raw?.length ?? 0) < (t.key === key ? FIRST_CHUNK_CHARS : CHUNK_CHARS)))) return t;
    let k = key;
    // An empty queue starts under the outbox's own key, so a short queue is one key as it always was.
    if (chunks.some((c) => c.q.length || c.key === key)) {
      lastTime = Math.max(Date.now(), lastTime + 1);
      k = `${key}\n${lastTime.toString(36).padStart(9, '0')}${tag}`;
    }
    const c: Chunk = { key: k, q: [], raw: null, own: true };
    chunks.push(c);
    return c;
  }

  /** The oldest `n` queued statements. */
  function head(n: number): Entry[] {
    const out: Entry[] = [];
    for (const c of chunks) {
      for (const e of c.q) {
        if (out.length >= n) return out;
        out.push(e);
      }
    }
    return out;
  }

  function mark(e: Entry, on: boolean): void {
    if (on) {
      e.u = 1;
      unsure.add(e.s.id);
    } else {
      delete e.u;
      unsure.delete(e.s.id);
    }
    unsureDirty = true;
  }

  function remove(entries: Entry[]): void {
    const these = new Set(entries.map((e) => e.s.id));
    const hit = new Set<Chunk>();
    for (const id of these) {
      gone.add(id);
      const w = where.get(id);
      if (!w) continue;
      where.delete(id);
      if (w.e.u) mark(w.e, false);
      hit.add(w.c);
    }
    for (const c of hit) {
      c.q = c.q.filter((e) => !these.has(e.s.id));
      touch(c);
    }
    changed();
  }

  function setUncertain(entries: Entry[], on: boolean, only?: Set<string>): void {
    for (const { s } of entries) {
      const w = where.get(s.id);
      if (!w || (only && !only.has(s.id)) || !!w.e.u === on) continue;
      mark(w.e, on);
      touch(null);
    }
  }

  function reject(e: Entry, status: number, reason: string): void {
    addRejected([{ statement: e.s, status, reason, at: new Date().toISOString() }], true);
    remove([e]);
    touch(null);
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      retrying = false;
      st.retryInMs = null;
      void flush();
    }, ms);
  }

  function headers(): Record<string, string> {
    const h: Record<string, string> = { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3' };
    if (auth) h.Authorization = auth;
    return h;
  }

  async function post(entries: Entry[]): Promise<{ status: number; text: string; retryAfter: string | null } | { error: string }> {
    const ctl = typeof AbortController === 'function' ? new AbortController() : null;
    const t = ctl ? setTimeout(() => ctl.abort(), timeout) : null;
    try {
      const res = await doFetch(`${endpoint}statements`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(entries.map((e) => e.s)),
        signal: ctl?.signal,
      });
      const text = await res.text().catch(() => '');
      return { status: res.status, text, retryAfter: res.headers.get('Retry-After') };
    } catch (e) {
      return { error: String((e as Error)?.message ?? e) };
    } finally {
      if (t) clearTimeout(t);
    }
  }

  function reasonOf(status: number, text: string): string {
    try {
      const b = JSON.parse(text);
      const detail = Array.isArray(b.problems) && b.problems.length
        ? b.problems.map((p: any) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')
        : b.error ?? b.message;
      if (detail) return `${status} ${b.code ? `${b.code} ` : ''}${detail}`.slice(0, 1000);
    } catch {
      // not JSON
    }
    return `${status} ${text}`.trim().slice(0, 1000);
  }

  async function deliver(entries: Entry[]): Promise<Outcome> {
    const wasUncertain = new Set(entries.filter((e) => e.u).map((e) => e.s.id));
    setUncertain(entries, true);
    const r = await post(entries);
    if ('error' in r) return { kind: 'retry', error: r.error, retryAfterMs: 0 };
    const { status, text } = r;
    if (status >= 200 && status < 300) {
      remove(entries);
      st.delivered += entries.length;
      changed();
      return { kind: 'done' };
    }
    if (status >= 500 || status === 408 || status === 429 || status === 401) {
      const ra = Number(r.retryAfter);
      return { kind: 'retry', error: reasonOf(status, text), retryAfterMs: Number.isFinite(ra) && ra > 0 ? ra * 1000 : 0 };
    }
    // A definite refusal: nothing in this request was stored, so it cannot have made any statement "maybe stored".
    setUncertain(entries, false, new Set(entries.map((e) => e.s.id).filter((id) => !wasUncertain.has(id))));
    if (entries.length > 1) {
      const half = Math.ceil(entries.length / 2);
      for (const part of [entries.slice(0, half), entries.slice(half)]) {
        const out = await deliver(part.map((e) => ({ s: e.s, ...(wasUncertain.has(e.s.id) ? { u: 1 as const } : {}) })));
        if (out.kind === 'retry') return out;
      }
      return { kind: 'done' };
    }
    const only = entries[0]!;
    if (status === 409 && wasUncertain.has(only.s.id)) {
      remove(entries);
      st.delivered += 1;
      changed();
      return { kind: 'done' };
    }
    reject(only, status, reasonOf(status, text));
    return { kind: 'done' };
  }

  async function drain(): Promise<void> {
    if (timer && !retrying) {
      clearTimeout(timer);
      timer = null;
    }
    st.sending = true;
    changed();
    try {
      for (;;) {
        // Copies: deliver() reads each statement's flag as it was before this request.
        const batch = head(batchSize).map((e) => ({ ...e }));
        if (batch.length === 0 || stopped) break;
        const out = await deliver(batch);
        if (out.kind === 'retry') {
          st.failures += 1;
          st.lastError = out.error;
          const exp = Math.min(cap, base * 2 ** (st.failures - 1));
          const delay = Math.max(out.retryAfterMs, Math.round(exp / 2 + (random() * exp) / 2));
          st.retryInMs = delay;
          retrying = true;
          schedule(delay);
          break;
        }
        st.failures = 0;
        st.lastError = null;
      }
    } finally {
      st.sending = false;
      changed();
    }
  }

  function flush(): Promise<void> {
    if (retrying && timer) {
      // An explicit flush (or the online event) retries now instead of waiting out the back-off.
      clearTimeout(timer);
      timer = null;
      retrying = false;
      st.retryInMs = null;
    }
    running ??= drain().finally(() => {
      running = null;
    });
    return running;
  }

  // Keepalive bodies still in flight count against the browser's 64 KiB quota.
  let keepaliveInFlight = 0;

  function flushOnPageHide(): number {
    const q = head(Infinity);
    const chosen: Entry[] = [];
    let size = 2;
    for (const e of q) {
      const n = bytes(JSON.stringify(e.s)) + 1;
      if (size + n > keepaliveBytes - keepaliveInFlight) break;
      chosen.push(e);
      size += n;
    }
    if (chosen.length === 0) return 0;
    setUncertain(chosen, true);
    keepaliveInFlight += size;
    const settle = () => {
      keepaliveInFlight -= size;
    };
    try {
      doFetch(`${endpoint}statements`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(chosen.map((e) => e.s)),
        keepalive: true,
      })
        .then((res) => {
          settle();
          // Only seen when the page lives on (hidden tab, bfcache); otherwise the next launch resends.
          if (res.ok) {
            remove(chosen);
            st.delivered += chosen.length;
            changed();
          }
        }, settle);
    } catch {
      settle();
      return 0;
    }
    return chosen.length;
  }

  const events = o.events === undefined ? ((globalThis as any).addEventListener ? (globalThis as unknown as EventTarget) : null) : o.events;
  const onPageHide = () => void flushOnPageHide();
  // Mobile browsers may discard a hidden tab without pagehide; hiding is the last reliable moment.
  const onVisibility = () => {
    if ((globalThis as any).document?.visibilityState === 'hidden') flushOnPageHide();
  };
  const onWake = () => void flush();
  events?.addEventListener('pagehide', onPageHide);
  events?.addEventListener('visibilitychange', onVisibility);
  events?.addEventListener('pageshow', onWake);
  events?.addEventListener('online', onWake);

  // Whatever an earlier launch left behind goes out now, including other registrations'
  // queues (statements carry their own registration, so any queue can send them): their
  // chunks are taken over where they lie and removed once delivered; nothing is copied, so
  // a crash during adoption cannot lose or double anything.
  try {
    const boxes = new Map<Chunk, Box>();
    for (const k of canList ? keysWith(storage, learner) : [key]) {
      const raw = storage.getItem(k);
      const b = parseBox(raw);
      if (b) boxes.set({ key: k, q: [], raw, own: false }, b);
    }
    chunks = [...boxes.keys()].sort(byId(key, learner));
    for (const c of chunks) {
      const b = boxes.get(c)!;
      absorb(c, b);
      // Duplicates (a statement in two chunks), empty boxes and the earlier format's rejections are rewritten.
      if (c.q.length !== b.q.length || !c.q.length || c.hadR) touch(c);
    }
    const sentKeys = canList ? keysWith(storage, SENT_PREFIX + learner.slice(KEY_PREFIX.length)) : [sentKey];
    for (const k of sentKeys) {
      const raw = storage.getItem(k);
      if (k === sentKey) sentRaw = raw;
      for (const id of parseIds(raw)) {
        const w = where.get(id);
        if (w && !w.e.u) mark(w.e, true);
      }
    }
    staleSent = sentKeys.filter((k) => k !== sentKey);
    // Marks of statements no longer queued are dropped; those read from chunks were already saved.
    unsureDirty = staleSent.length > 0 || (sentRaw !== null && parseIds(sentRaw).some((id) => !unsure.has(id)));
    if (unsureDirty) touch(null);
    const rejectedKeys = canList ? keysWith(storage, REJECTED_PREFIX + learner.slice(KEY_PREFIX.length)) : [rejectedKey];
    for (const k of rejectedKeys) addRejected(parseRejected(storage.getItem(k)), false);
    staleRejected = rejectedKeys.filter((k) => k !== rejectedKey);
    rejectedDirty = rejectedDirty || staleRejected.length > 0;
    if (rejectedDirty) touch(null);
    if (!canList && !chunks.length) chunks.push({ key, q: [], raw: null, own: true });
    else if (!canList) chunks[0]!.own = true;
  } catch {
    // Unreadable storage: start with an empty queue in memory.
  }
  if (where.size > 0) schedule(0);
  changed();

  return {
    enqueue(s) {
      if (!s || typeof s.id !== 'string') throw new TypeError('a statement needs its id before it is queued');
      if (where.has(s.id)) return;
      const c = openChunk();
      const e: Entry = { s };
      c.q.push(e);
      where.set(s.id, { c, e });
      touch(c);
      changed();
      if (retrying || stopped) return;
      if (where.size >= batchSize) void flush();
      else if (!timer) schedule(batchDelay);
    },
    flush,
    pending: () => head(Infinity).map((e) => e.s),
    rejected: () => rejected.slice(),
    state: () => ({ ...st }),
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    flushOnPageHide,
    setAuth(a) {
      auth = a;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      events?.removeEventListener('pagehide', onPageHide);
      events?.removeEventListener('visibilitychange', onVisibility);
      events?.removeEventListener('pageshow', onWake);
      events?.removeEventListener('online', onWake);
    },
  };
}
