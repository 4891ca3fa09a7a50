// Entry point of coursepack.js, bundled by the renderer into one IIFE. Reads the
// module data embedded in the page, picks the progress store (LMS API, else
// localStorage) and starts the learner interface.
import type { ModuleData } from './module-data.ts';
import { findApi, scormStore, type Scorm12Api } from './scorm12.ts';
import { localStore, type Store } from './store.ts';
import { createTracker, type Tracker } from './tracker.ts';
import { startUi, type Ui } from './ui.ts';
import { startXapi } from './xapi-main.ts';
import { announcePrints } from './print-signal.ts';
import { createFeedback, type Learner } from './feedback.ts';
import { forwardingTracker, startSideChannel, type SideChannel } from './side-channel.ts';

const UNSAVED = 'Progress may not be saved right now. You can keep working; we will keep trying.';
const NO_LMS = 'No learning system was found, so progress may not be saved there. It is kept in this browser.';
// How this launch records (see tracker.ts): said quietly, once, under the header.
const MODE_NOTICE: Record<string, string> = {
  review: 'Review mode: your answers are not recorded.',
  browse: 'Browse mode: you can look around and try the questions; no score is recorded.',
  'no-credit': 'This attempt is not for credit: your progress is kept, but your score does not count.',
};

function modeNotice(tracker: Tracker): string {
  if (tracker.mode() !== 'normal') return MODE_NOTICE[tracker.mode()];
  return tracker.credit() === 'no-credit' ? MODE_NOTICE['no-credit'] : '';
}

function start(): void {
  const printButton = document.getElementById('cp-print');
  printButton?.addEventListener('click', () => window.print());
  announcePrints();
  const raw = document.getElementById('cp-data');
  if (!raw) return;
  const data = JSON.parse(raw.textContent || '{}') as ModuleData;
  // xAPI and cmi5 launches report statements to an LRS: their own start-up (xapi-main.ts).
  if (data.target === 'xapi' || data.target === 'cmi5') {
    void startXapi(data);
    return;
  }
  let ui: Ui | null = null;
  let lastProblem = false;
  const api = data.target === 'scorm12' ? findApi(window) : null;
  let base = '';
  let baseTone: 'warn' | 'info' = 'warn';
  const notify = (problem: boolean): void => {
    lastProblem = problem;
    if (problem) ui?.notice(UNSAVED);
    else ui?.notice(base, baseTone);
  };
  let store: Store;
  const key = `coursepack:${data.courseId}:${data.courseVersion}:${data.moduleId}`;
  if (api) {
    store = scormStore(api, notify, browserStorage(), key + ':lms');
  } else {
    store = localStore(key, notify);
    if (data.target === 'scorm12') base = NO_LMS;
  }
  const tracker = createTracker(data, store);
  if (modeNotice(tracker)) {
    base = modeNotice(tracker);
    baseTone = 'info';
  }
  // The xAPI side channel (course.yaml lrs) wraps the tracker so the same events also become
  // statements; with an LMS reached late it starts once the LMS names the learner.
  const local = browserStorage();
  let side: SideChannel | null = null;
  const startSide = (a: Scorm12Api | null): void => {
    if (!side && data.sideChannel && local) side = startSideChannel(data, tracker, a, local);
  };
  startSide(api);
  const uiTracker = forwardingTracker(() => side?.tracker ?? tracker);
  const feedback = createFeedback({
    data,
    tracker: uiTracker,
    commented: (e) => (side ? (side.commented(e), true) : false),
    learner: () => side?.learner ?? lmsLearner(api ?? findApi(window)),
    ...(local ? { storage: local } : {}),
  });
  ui = startUi(data, uiTracker, feedback);
  // An LMS reached late (refused LMSInitialize, or an API found later): show the merged
  // progress and say how this launch records, as a launch that reached it at once would.
  tracker.whenMerged(() => {
    startSide(api ?? findApi(window));
    base = modeNotice(tracker);
    baseTone = 'info';
    ui?.refresh();
  });
  notify(lastProblem);
  document.documentElement.classList.add('cp-ready');
  if (data.target === 'scorm12' && !api) {
    lookForApiLater(tracker, key, notify, () => {
      base = modeNotice(tracker);
      baseTone = 'info';
    });
  }

  // Keep the LMS session alive and progress safe during long pages.
  setInterval(() => tracker.ping(), 180000);
  const end = (): void => uiTracker.finish();
  window.addEventListener('pagehide', end);
  window.addEventListener('beforeunload', end);
}

/** Only what the LMS says about the learner (for the feedback webhook). */
function lmsLearner(api: Scorm12Api | null): Learner {
  if (!api) return {};
  const get = (el: string): string => {
    try {
      return api.LMSGetValue(el) || '';
    } catch {
      return '';
    }
  };
  const id = get('cmi.core.student_id');
  const name = get('cmi.core.student_name');
  return { ...(id ? { id } : {}), ...(name ? { name } : {}) };
}

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Some LMS frames publish the API after the SCO has started: keep looking for two minutes. */
function lookForApiLater(tracker: Tracker, key: string, notify: (problem: boolean) => void, found: () => void): void {
  let delay = 1000;
  const look = (): void => {
    const api = findApi(window);
    if (api) {
      tracker.attach(scormStore(api, notify, browserStorage(), key + ':lms'));
      found();
      notify(false);
      return;
    }
    delay *= 2;
    if (delay <= 64000) setTimeout(look, delay);
  };
  setTimeout(look, delay);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
