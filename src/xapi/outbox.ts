// Statement delivery that never loses a statement: every statement is written to a
// persistent outbox (localStorage, one key per endpoint + actor + registration) before
// any request, and leaves it only when the LRS has stored it or has definitively refused
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
// Browser-safe: no Node imports; Storage and fetch are injected for tests.
import type { Actor } from '@xapi/xapi';

/** The part of the Web Storage interface the outbox uses (window.localStorage in a browser). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  /** With these two, queues left under an earlier registration of the same learner are adopted. */
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

interface Box {
  q: Entry[];
  r: Rejected[];
}

const KEY_PREFIX = 'coursepack.xapi.outbox';
/** Rejections kept for inspection; older ones are dropped. */
const MAX_REJECTED = 200;

function actorKey(a: Actor): string {
  const x = a as Record<string, any>;
  if (x.mbox) return String(x.mbox);
  if (x.mbox_sha1sum) return `sha1:${x.mbox_sha1sum}`;
  if (x.openid) return String(x.openid);
  if (x.account) return `${x.account.homePage}|${x.account.name}`;
  return JSON.stringify(a);
}

export function outboxKey(endpoint: string, actor: Actor, registration: string): string {
  return `${KEY_PREFIX}\n${endpoint}\n${actorKey(actor)}\n${registration}`;
}

/**
 * Queues of the same endpoint and learner left under other registrations (an earlier
 * attempt whose statements never left). Statements carry their own registration, so they
 * can be sent from any queue; the outbox moves them into its own.
 */
function siblingKeys(storage: KeyValueStorage, own: string): string[] {
  if (typeof storage.key !== 'function' || typeof storage.length !== 'number') return [];
  const prefix = own.slice(0, own.lastIndexOf('\n') + 1);
  const out: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k && k !== own && k.startsWith(prefix)) out.push(k);
  }
  return out;
}

const bytes = (s: string): number => new TextEncoder().encode(s).length;

type Outcome = { kind: 'done' } | { kind: 'retry'; error: string; retryAfterMs: number };

export function createOutbox(o: OutboxOptions): Outbox {
  const endpoint = o.endpoint.endsWith('/') ? o.endpoint : `${o.endpoint}/`;
  const key = outboxKey(endpoint, o.actor, o.registration);
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const batchSize = Math.max(1, o.batchSize ?? 50);
  const batchDelay = o.batchDelayMs ?? 100;
  const base = o.retryBaseMs ?? 1000;
  const cap = o.retryMaxMs ?? 60_000;
  const timeout = o.requestTimeoutMs ?? 20_000;
  const keepaliveBytes = o.keepaliveBytes ?? 65_000;
  const random = o.random ?? Math.random;
  let auth = o.auth;

  /** The queue as this instance knows it; written through to storage once per task. */
  let box: Box = { q: [], r: [] };
  /** Ids this instance delivered or rejected, so another tab's older copy cannot bring them back. */
  const gone = new Set<string>();
  /** What this instance last read or wrote under its key: unchanged storage needs no parsing. */
  let lastRaw: string | null = null;
  let writeQueued = false;
  const st: OutboxState = { pending: 0, rejected: 0, sending: false, failures: 0, retryInMs: null, lastError: null, delivered: 0, storageError: null };
  const listeners = new Set<(s: OutboxState) => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let retrying = false;
  let running: Promise<void> | null = null;
  let stopped = false;

  function parseBox(raw: string | null): Box | null {
    if (!raw) return null;
    try {
      const b = JSON.parse(raw) as Box;
      return Array.isArray(b?.q) && Array.isArray(b?.r) ? b : null;
    } catch {
      return null;
    }
  }

  /** Adds entries another tab (or an earlier launch) wrote under a key and this instance has not seen. */
  function absorb(b: Box | null): void {
    if (!b) return;
    const have = new Set(box.q.map((e) => e.s.id));
    const extra = b.q.filter((e) => e?.s && typeof e.s.id === 'string' && !have.has(e.s.id) && !gone.has(e.s.id));
    const haveR = new Set(box.r.map((r) => r.statement.id));
    const extraR = b.r.filter((r) => r?.statement && !haveR.has(r.statement.id));
    if (extra.length) box = { ...box, q: [...box.q, ...extra] };
    if (extraR.length) box = { ...box, r: [...extraR, ...box.r].slice(-MAX_REJECTED) };
  }

  // Storage is written once per task (a microtask after the last change), so a burst of
  // enqueues costs one write; the microtask still runs before the page can go away.
  // Before writing, whatever another tab of the same attempt added is merged in.
  function write(): void {
    writeQueued = false;
    try {
      const raw = o.storage.getItem(key);
      if (raw !== lastRaw) absorb(parseBox(raw));
    } catch {
      // Unreadable storage: this instance's copy is the queue.
    }
    const raw = box.q.length || box.r.length ? JSON.stringify(box) : null;
    try {
      if (raw === null) o.storage.removeItem(key);
      else o.storage.setItem(key, raw);
      lastRaw = raw;
      st.storageError = null;
    } catch (e) {
      st.storageError = String((e as Error)?.message ?? e);
    }
    changed();
  }

  function changed(): void {
    st.pending = box.q.length;
    st.rejected = box.r.length;
    const snapshot = { ...st };
    for (const l of listeners) l(snapshot);
  }

  function update(fn: (b: Box) => Box): void {
    box = fn(box);
    changed();
    if (!writeQueued) {
      writeQueued = true;
      queueMicrotask(write);
    }
  }

  const idsOf = (entries: Entry[]) => new Set(entries.map((e) => e.s.id));

  function remove(entries: Entry[]): void {
    const these = idsOf(entries);
    for (const id of these) gone.add(id);
    update((b) => ({ ...b, q: b.q.filter((e) => !these.has(e.s.id)) }));
  }

  function setUncertain(entries: Entry[], on: boolean, only?: Set<string>): void {
    const these = idsOf(entries);
    update((b) => ({
      ...b,
      q: b.q.map((e) => {
        if (!these.has(e.s.id) || (only && !only.has(e.s.id))) return e;
        const { u: _u, ...rest } = e;
        return on ? { ...rest, u: 1 } : rest;
      }),
    }));
  }

  function reject(e: Entry, status: number, reason: string): void {
    gone.add(e.s.id);
    update((b) => ({
      q: b.q.filter((x) => x.s.id !== e.s.id),
      r: [...b.r, { statement: e.s, status, reason, at: new Date().toISOString() }].slice(-MAX_REJECTED),
    }));
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
    setUncertain(entries, false, new Set([...idsOf(entries)].filter((id) => !wasUncertain.has(id))));
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
        const q = box.q;
        if (q.length === 0 || stopped) break;
        const out = await deliver(q.slice(0, batchSize));
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
    const q = box.q;
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

  // Whatever an earlier launch left behind goes out now, including other registrations' queues.
  try {
    lastRaw = o.storage.getItem(key);
    absorb(parseBox(lastRaw));
    const siblings = siblingKeys(o.storage, key);
    for (const k of siblings) absorb(parseBox(o.storage.getItem(k)));
    if (siblings.length) {
      // Written under our key first, removed from theirs after: a crash in between duplicates, never loses.
      write();
      if (!st.storageError) for (const k of siblings) o.storage.removeItem(k);
    }
  } catch {
    // Unreadable storage: start with an empty queue in memory.
  }
  if (box.q.length > 0) schedule(0);
  changed();

  return {
    enqueue(s) {
      if (!s || typeof s.id !== 'string') throw new TypeError('a statement needs its id before it is queued');
      if (box.q.some((e) => e.s.id === s.id)) return;
      box.q.push({ s });
      update((b) => b);
      if (retrying || stopped) return;
      if (box.q.length >= batchSize) void flush();
      else if (!timer) schedule(batchDelay);
    },
    flush,
    pending: () => box.q.map((e) => e.s),
    rejected: () => box.r.slice(),
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
