// The module feedback form's destinations (course.yaml feedback, docs/feedback.md):
// cmi.comments (SCORM 1.2, appended within 4096 characters), an xAPI commented
// statement (through whichever outbox the launch has), a webhook (a signed JSON POST,
// queued in localStorage and retried, never awaited by the learner), and mailto: as
// the fallback when nothing else took the comment. The comment is learner text: it is
// only ever sent, never put into the page as HTML.
import type { ModuleData } from './module-data.ts';
import type { Tracker } from './tracker.ts';
import { hmacSha256Hex } from './feedback-sign.ts';
import { uuid } from '../xapi/profile.ts';

export interface FeedbackEntry {
  /** 1–5, when the form asks for a rating and the learner chose one. */
  rating?: number;
  comment: string;
}

/** What the LMS or launch says about the learner; nothing else is ever sent. */
export interface Learner {
  id?: string;
  name?: string;
}

/** The webhook body (docs/feedback.md). */
export interface WebhookPayload {
  id: string;
  course: { id: string; version: string };
  module: { id: string; title: string };
  rating: number | null;
  comment: string;
  submittedAt: string;
  learner: Learner;
}

export type Destination = 'scormComments' | 'xapi' | 'webhook';

export interface FeedbackResult {
  /** Where the comment was kept or queued. */
  kept: Destination[];
  /** A mailto: address with the comment, when the author gave an email address. */
  mailto: string | null;
}

interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface FeedbackOptions {
  data: ModuleData;
  tracker: Tracker;
  /** Sends the xAPI commented statement; false (or absent) when there is no LRS to send it to (yet). */
  commented?: (e: FeedbackEntry) => boolean | void;
  learner?: () => Learner;
  storage?: Storage;
  fetch?: typeof fetch;
  /** A webhook request that has not answered after this long is abandoned and retried later. Default 8 s. */
  timeoutMs?: number;
  /** Retry delay min(max, base · 2ⁿ⁻¹). Defaults 2 s and 5 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  now?: () => number;
}

export interface Feedback {
  submit(e: FeedbackEntry): FeedbackResult;
  /** Webhook payloads not yet accepted by the receiver. */
  pending(): number;
  /** Sends what is due now; resolves when those requests have finished or timed out. */
  flush(): Promise<void>;
}

interface Queued {
  id: string;
  body: string;
  attempts: number;
  next: number;
}

const MAX_QUEUE = 50;
const MAX_ATTEMPTS = 20;

export function queueKey(url: string): string {
  return `coursepack.feedback.webhook:${url}`;
}

export function createFeedback(o: FeedbackOptions): Feedback {
  const fb = o.data.feedback;
  const hook = fb.webhook ?? null;
  const now = o.now ?? Date.now;
  const doFetch = o.fetch ?? (typeof fetch === 'function' ? fetch.bind(globalThis) : undefined);
  const timeoutMs = o.timeoutMs ?? 8000;
  const base = o.retryBaseMs ?? 2000;
  const max = o.retryMaxMs ?? 300_000;
  const key = hook ? queueKey(hook.url) : '';
  let memory: Queued[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let sending: Promise<void> | null = null;

  const load = (): Queued[] => {
    try {
      const raw = o.storage?.getItem(key);
      if (raw) return JSON.parse(raw) as Queued[];
    } catch {
      // unreadable or storage refused: the in-memory copy is all there is
    }
    return memory;
  };
  const save = (q: Queued[]): void => {
    memory = q;
    try {
      o.storage?.setItem(key, JSON.stringify(q));
    } catch {
      // quota or privacy mode: kept in memory for this page
    }
  };

  const schedule = (): void => {
    if (!hook || timer) return;
    const q = load();
    if (!q.length) return;
    const wait = Math.max(0, Math.min(...q.map((e) => e.next)) - now());
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, wait);
  };

  const sendOne = async (e: Queued): Promise<'done' | 'retry'> => {
    if (!hook || !doFetch) return 'retry';
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Coursepack-Delivery': e.id };
    if (hook.secret) headers['X-Coursepack-Signature'] = `sha256=${await hmacSha256Hex(hook.secret, e.body)}`;
    const ctl = typeof AbortController === 'function' ? new AbortController() : null;
    const t = setTimeout(() => ctl?.abort(), timeoutMs);
    try {
      const res = await doFetch(hook.url, { method: 'POST', headers, body: e.body, credentials: 'omit', ...(ctl ? { signal: ctl.signal } : {}) });
      // A receiver that refuses the payload itself (4xx other than 408/429) will refuse every resend too.
      if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)) return 'done';
      return 'retry';
    } catch {
      return 'retry';
    } finally {
      clearTimeout(t);
    }
  };

  const flushNow = async (all: boolean): Promise<void> => {
    const due = load().filter((e) => all || e.next <= now());
    const outcomes = await Promise.all(due.map(async (e) => [e.id, await sendOne(e)] as const));
    const result = new Map(outcomes);
    // Re-read: a comment submitted while these were in flight must not be lost.
    const q = load().flatMap((e) => {
      const r = result.get(e.id);
      if (r === 'done') return [];
      if (r !== 'retry') return [e];
      const attempts = e.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) return [];
      return [{ ...e, attempts, next: now() + Math.min(max, base * 2 ** (attempts - 1)) }];
    });
    save(q);
  };

  const flush = (all = false): Promise<void> => {
    if (!hook) return Promise.resolve();
    sending ??= flushNow(all).finally(() => {
      sending = null;
      schedule();
    });
    return sending;
  };

  // Payloads an earlier launch could not deliver go out now, whatever their back-off said.
  if (hook) setTimeout(() => void flush(true), 0);

  return {
    submit(e) {
      const kept: Destination[] = [];
      const comment = e.comment.trim();
      const rating = e.rating !== undefined && e.rating >= 1 && e.rating <= 5 ? Math.round(e.rating) : undefined;
      const text = (rating ? `Rating ${rating}/5. ` : '') + comment;
      const line = `[${o.data.moduleId}] ${text}`;
      if (o.data.target === 'xapi' || o.data.target === 'cmi5') {
        // There the reporter's tracker turns comment() into the commented statement (xapi-reporter.ts);
        // scormComments is false on these pages (cmi.comments is SCORM's).
        if ((fb.scormComments || fb.xapi) && o.tracker.comment(line)) kept.push('xapi');
      } else {
        if (fb.scormComments && o.tracker.comment(line)) kept.push('scormComments');
        if (fb.xapi && o.commented && o.tracker.mode() !== 'review' && o.commented(rating === undefined ? { comment } : { comment, rating }) !== false) {
          kept.push('xapi');
        }
      }
      if (hook) {
        const payload: WebhookPayload = {
          id: uuid(),
          course: { id: o.data.courseId, version: o.data.courseVersion },
          module: { id: o.data.moduleId, title: o.data.moduleTitle },
          rating: rating ?? null,
          comment,
          submittedAt: new Date(now()).toISOString(),
          learner: o.learner?.() ?? {},
        };
        save([...load(), { id: payload.id, body: JSON.stringify(payload), attempts: 0, next: 0 }].slice(-MAX_QUEUE));
        kept.push('webhook');
        void flush();
      }
      const mailto = fb.email ? `mailto:${fb.email}?subject=${encodeURIComponent(fb.subject)}&body=${encodeURIComponent(text)}` : null;
      return { kept, mailto };
    },
    pending: () => load().length,
    flush: () => flush(),
  };
}
