// Where an xAPI or cmi5 launch keeps the learner's place and answers: the same values
// the SCORM tracker writes (location, suspend data, status…), kept in localStorage for
// this browser and in an xAPI State document (per learner, activity and registration)
// in the LRS, so a relaunch from another browser resumes too. The statements themselves
// go through the outbox, not through here.
import type { LessonMode, Notify, Snapshot, Store } from './store.ts';

export const PROGRESS_STATE_ID = 'https://coursepack.dev/xapi/state/progress';

export interface RemoteState {
  /** State resource URL for this learner, activity and registration (stateId included). */
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
}

export type Values = Record<string, string>;

/** The progress document from the LRS, or null when there is none or it cannot be read. */
export async function loadRemote(remote: RemoteState): Promise<Values | null> {
  try {
    const res = await remote.fetch(remote.url, { headers: remote.headers });
    if (!res.ok) return null;
    const v = await res.json();
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Values) : null;
  } catch {
    return null;
  }
}

export interface XapiStoreOptions {
  key: string;
  storage?: Storage;
  /** What the LRS holds (wins over this browser's copy, which may be an older attempt's). */
  remoteValues: Values | null;
  remote?: RemoteState;
  mode: LessonMode;
  /** Pass mark in percent from the launch (cmi5 masteryScore), '' when none. */
  masteryScore: string;
  notify: Notify;
}

/** A Store that also keeps the reporter's own values (what has been sent in this registration). */
export type XapiStore = Store & { get(key: string): string };

export function xapiStore(o: XapiStoreOptions): XapiStore {
  let values: Values = {};
  try {
    values = JSON.parse(o.storage?.getItem(o.key) || '{}') || {};
  } catch {
    values = {};
  }
  if (o.remoteValues) values = { ...o.remoteValues };
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSent = '';
  let ended = false;
  // A key that may not use the State resource (e.g. a write-only package key): keep progress in this browser only, without alarming the learner.
  let remoteRefused = false;

  const saveLocal = (): void => {
    try {
      o.storage?.setItem(o.key, JSON.stringify(values));
    } catch {
      // The LRS copy still holds it.
    }
  };
  const sendRemote = (keepalive: boolean): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const r = o.remote;
    const body = JSON.stringify(values);
    if (!r || remoteRefused || body === lastSent) return;
    lastSent = body;
    r.fetch(r.url, { method: 'PUT', headers: { ...r.headers, 'Content-Type': 'application/json' }, body, keepalive })
      .then((res) => {
        if (res.status === 403) remoteRefused = true;
        else if (!res.ok) lastSent = '';
        o.notify(!res.ok && !remoteRefused);
      })
      .catch(() => {
        lastSent = '';
        o.notify(true);
      });
  };

  return {
    kind: 'lms',
    load: (): Snapshot => ({
      entry: values['cmi.suspend_data'] ? 'resume' : 'ab-initio',
      status: values['cmi.core.lesson_status'] || 'not attempted',
      location: values['cmi.core.lesson_location'] || '',
      suspend: values['cmi.suspend_data'] || '',
      comments: values['cmi.comments'] || '',
      masteryScore: o.masteryScore,
      score: values['cmi.core.score.raw'] || '',
      mode: o.mode,
      credit: 'credit',
      interactions: 0,
    }),
    set(element, value) {
      values[element] = value;
    },
    get: (key) => values[key] ?? '',
    // Answers are reported as statements by the reporter.
    interaction() {},
    unsent: () => [],
    commit() {
      if (ended) return;
      saveLocal();
      if (!timer) timer = setTimeout(() => sendRemote(false), 800);
    },
    finish() {
      if (ended) return;
      ended = true;
      saveLocal();
      sendRemote(true);
    },
  };
}

