// The optional xAPI side channel of a SCORM 1.2 package (course.yaml `lrs`, docs/feedback.md):
// the SCO keeps reporting to the LMS through cmi.* and also sends the coursepack profile
// statements to an LRS, reusing the xapi/cmi5 reporter (xapi-reporter.ts) and outbox.
//
// Actor: an account on the LMS — homePage from the build (course.yaml lrs.homePage,
// default the endpoint's origin), name = cmi.core.student_id, display name =
// cmi.core.student_name. No LMS (no student_id) means no side channel: a learner
// cannot be named.
//
// Registration: one UUID per SCORM attempt, kept in localStorage (not suspend_data,
// whose 4096 characters belong to the learner's answers and reflections) under the
// learner and module. cmi.core.entry 'ab-initio' starts a new attempt and so a new
// registration; a resumed attempt ('resume' or '') reuses the stored one. Another
// browser resuming the same attempt starts a new registration (documented trade-off).
import type { ModuleData } from './module-data.ts';
import type { Scorm12Api } from './scorm12.ts';
import type { Tracker } from './tracker.ts';
import type { XapiStore } from './xapi-store.ts';
import type { FeedbackEntry, Learner } from './feedback.ts';
import { createReporter } from './xapi-reporter.ts';
import { onPrint } from './print-signal.ts';
import { createOutbox, type Outbox } from '../xapi/outbox.ts';
import * as P from '../xapi/profile.ts';

export interface SideChannel {
  /** The tracker for the UI: reports statements; comments still go to cmi.comments. */
  tracker: Tracker;
  /** Sends the feedback form as a commented statement. */
  commented(e: FeedbackEntry): void;
  learner: Learner;
  registration: string;
  outbox: Outbox;
}

interface KV {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function registrationKey(data: ModuleData, homePage: string, studentId: string): string {
  return `coursepack.side.registration:${homePage}:${studentId}:${data.courseId}:${data.moduleId}`;
}

/** The attempt's registration: new on ab-initio (or when none is kept), else the kept one. */
export function attemptRegistration(storage: KV, key: string, entry: string, make: () => string = P.uuid): string {
  const kept = safe(() => storage.getItem(key));
  if (kept && entry !== 'ab-initio' && /^[0-9a-f-]{36}$/.test(kept)) return kept;
  const fresh = make();
  safe(() => storage.setItem(key, fresh));
  return fresh;
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export function startSideChannel(data: ModuleData, tracker: Tracker, api: Scorm12Api | null, storage: KV): SideChannel | null {
  const cfg = data.sideChannel;
  if (!cfg || !data.xapi || !api || tracker.mode() === 'review') return null;
  const studentId = safe(() => api.LMSGetValue('cmi.core.student_id')) ?? '';
  if (!studentId) return null;
  const studentName = safe(() => api.LMSGetValue('cmi.core.student_name')) ?? '';
  const entry = safe(() => api.LMSGetValue('cmi.core.entry')) ?? '';
  const actor = {
    objectType: 'Agent' as const,
    ...(studentName ? { name: studentName } : {}),
    account: { homePage: cfg.homePage, name: studentId },
  };
  const registration = attemptRegistration(storage, registrationKey(data, cfg.homePage, studentId), entry);
  const session: P.Session = { actor, registration, course: data.xapi.course, module: data.xapi.module, platform: data.xapi.platform };

  // What the reporter has sent in this registration (completed/passed once), beside the registration.
  const sentKey = `coursepack.side.sent:${registration}:${data.moduleId}`;
  let sent: Record<string, string> = {};
  try {
    sent = JSON.parse(storage.getItem(sentKey) || '{}');
  } catch {
    sent = {};
  }
  const store = {
    get: (k: string) => sent[k] ?? '',
    set: (k: string, v: string) => void (sent[k] = v),
    commit: () => void safe(() => storage.setItem(sentKey, JSON.stringify(sent))),
  } as unknown as XapiStore;

  // terminated must be queued before the outbox's own pagehide listener sends the queue.
  let finish = (): void => {};
  window.addEventListener('pagehide', () => finish());
  const outbox = createOutbox({ endpoint: cfg.endpoint, auth: cfg.auth, actor, registration, storage: storage as Storage });
  const reporter = createReporter({ data, tracker, store, enqueue: (s) => outbox.enqueue(s), session });
  finish = () => reporter.tracker.finish();
  // The reporter's comment() would turn cmi.comments into a statement: SCORM keeps its own.
  const reporting: Tracker = { ...reporter.tracker, comment: (text) => tracker.comment(text) };
  Object.defineProperty(reporting, 'state', { get: () => tracker.state });
  reporter.start();
  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[href^="#term-"]');
    if (a) reporter.glossary(decodeURIComponent(a.getAttribute('href')!.slice(1)));
  });
  onPrint(() => reporter.printed());
  return {
    tracker: reporting,
    commented: (e) => outbox.enqueue(P.commented(session, e)),
    learner: { id: studentId, ...(studentName ? { name: studentName } : {}) },
    registration,
    outbox,
  };
}

/**
 * A tracker that forwards to whichever tracker `current()` returns, so the UI can start
 * with the plain tracker and report through the side channel once an LMS reached late
 * (an API found after launch, or LMSInitialize accepted on a retry) names the learner.
 */
export function forwardingTracker(current: () => Tracker): Tracker {
  return {
    get state() {
      return current().state;
    },
    get resumed() {
      return current().resumed;
    },
    mode: () => current().mode(),
    credit: () => current().credit(),
    show: (v) => current().show(v),
    answer: (i, a, ms) => current().answer(i, a, ms),
    reflect: (i, t) => current().reflect(i, t),
    comment: (t) => current().comment(t),
    status: () => current().status(),
    recordedScore: () => current().recordedScore(),
    ping: () => current().ping(),
    attach: (st) => current().attach(st),
    whenMerged: (l) => current().whenMerged(l),
    finish: () => current().finish(),
  };
}
