// Where progress goes: the SCORM 1.2 API when an LMS provides one, otherwise the
// browser's localStorage. Both sit behind one small interface so the tracker does
// not care which it has.
import type { InteractionRecord } from './cmi-format.ts';

/** cmi.core.lesson_mode: 'normal' unless the LMS says browse or review (SCORM 1.2: unknown values mean normal). */
export type LessonMode = 'normal' | 'browse' | 'review';

export interface Snapshot {
  entry: string;
  status: string;
  location: string;
  suspend: string;
  comments: string;
  /** cmi.student_data.mastery_score as the LMS has it ('' when none). */
  masteryScore: string;
  /** cmi.core.score.raw as the LMS has it ('' when none). */
  score: string;
  mode: LessonMode;
  /** cmi.core.credit: 'no-credit' only when the LMS says so. */
  credit: 'credit' | 'no-credit';
  /** Next free cmi.interactions index. */
  interactions: number;
  /**
   * True when the LMS could not be read (LMSInitialize refused): the other fields are
   * defaults, not the learner's record, and must not be written over it. The store
   * tells whenReached listeners once it can read the LMS.
   */
  unreached?: boolean;
  /** A browser copy of this learner's place the LMS never acknowledged, to be merged with what the LMS holds. */
  copy?: BrowserCopy;
}

/** location and suspend_data kept in this browser, and base: what the LMS was known to hold when the copy was written. */
export interface BrowserCopy {
  location: string;
  suspend: string;
  base?: { location: string; suspend: string };
}

/** One answer event as an LMS receives it: latency and time are left out when not known. */
export interface InteractionEvent {
  rec: InteractionRecord;
  latency?: string;
  time?: string;
}

export interface Store {
  kind: 'lms' | 'local' | 'none';
  load(): Snapshot;
  set(element: string, value: string): void;
  interaction(event: InteractionEvent): void;
  /** Answer events this store took but no LMS has acknowledged, oldest first (handed on when an LMS turns up later). */
  unsent(): InteractionEvent[];
  /** Send what is pending soon, without blocking the caller. */
  commit(): void;
  /** Send everything now and end the session; only the first call does anything. */
  finish(): void;
  /**
   * For a store whose load() was unreached: called once, when the LMS can be read,
   * with what it holds, before anything is written to it. Values pending from before
   * are dropped first, so the listener must set() everything the LMS should get.
   */
  whenReached?(listener: (snap: Snapshot) => void): void;
}

export type Notify = (problem: boolean) => void;

export function lessonMode(value: string): LessonMode {
  return value === 'browse' || value === 'review' ? value : 'normal';
}

// Answer events kept for an LMS that may still appear; a learner without one never needs more.
const UNSENT_MAX = 200;

/** Progress kept in this browser, keyed by course id, version and module id. */
export function localStore(key: string, notify: Notify): Store {
  let values: Record<string, string> = {};
  let ok = true;
  const events: InteractionEvent[] = [];
  try {
    values = JSON.parse(window.localStorage.getItem(key) || '{}') || {};
  } catch {
    ok = false;
  }
  const save = (): void => {
    try {
      window.localStorage.setItem(key, JSON.stringify(values));
      ok = true;
    } catch {
      ok = false;
    }
    notify(!ok);
  };
  return {
    kind: ok ? 'local' : 'none',
    load: () => ({
      entry: values['cmi.suspend_data'] ? 'resume' : 'ab-initio',
      status: values['cmi.core.lesson_status'] || 'not attempted',
      location: values['cmi.core.lesson_location'] || '',
      suspend: values['cmi.suspend_data'] || '',
      comments: values['cmi.comments'] || '',
      masteryScore: '',
      score: values['cmi.core.score.raw'] || '',
      mode: 'normal',
      credit: 'credit',
      interactions: 0,
    }),
    set(element, value) {
      values[element] = value;
    },
    interaction(event) {
      // A browser has no one to report to; kept in memory only, for an LMS API found later in this session.
      if (events.length < UNSENT_MAX) events.push(event);
    },
    unsent: () => events.slice(),
    commit: save,
    finish: save,
  };
}
