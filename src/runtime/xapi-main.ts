// Start-up of an xapi (Tin Can) or cmi5 page, called by main.ts for those targets:
// read the launch (query string; cmi5 also its fetch URL and LaunchData), load the
// saved progress (LRS State, else this browser), create the outbox and the reporter,
// start the UI with the reporting tracker. initialized goes out before the learner can
// do anything; terminated on Exit or when the page goes away; a cmi5 launch with a
// returnURL goes back to it after Exit, once the statements are delivered.
import type { ModuleData } from './module-data.ts';
import { localStore, lessonMode, type Store } from './store.ts';
import { createTracker } from './tracker.ts';
import { startUi, type Ui } from './ui.ts';
import { launchTincan, type XapiLaunch } from './launch-xapi.ts';
import { launchCmi5, LaunchError, type Cmi5Launch } from './launch-cmi5.ts';
import { loadRemote, xapiStore, PROGRESS_STATE_ID, type RemoteState } from './xapi-store.ts';
import { createReporter } from './xapi-reporter.ts';
import { onPrint } from './print-signal.ts';
import { createOutbox } from '../xapi/outbox.ts';
import { createFeedback, type Learner } from './feedback.ts';
import type { Session } from '../xapi/profile.ts';

const UNSAVED = 'Progress may not be saved right now. You can keep working; we will keep trying.';
const NO_LRS = 'This module was opened without a learning record store, so progress is kept in this browser only.';
const MODE_NOTICE: Record<string, string> = {
  review: 'Review mode: your answers are not recorded.',
  browse: 'Browse mode: you can look around and try the questions; no completion or score is recorded.',
};

function browserStorage(kind: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return window[kind];
  } catch {
    return undefined;
  }
}

/** Exposed for tests and the preview: what this launch decided. */
interface LaunchInfo {
  state: 'starting' | 'running' | 'error' | 'offline';
  error?: string;
  launchMode?: string;
  registration?: string;
}

export async function startXapi(data: ModuleData): Promise<void> {
  const info: LaunchInfo = { state: 'starting' };
  (window as unknown as { coursepackLaunch: LaunchInfo }).coursepackLaunch = info;
  const key = `coursepack:${data.courseId}:${data.courseVersion}:${data.moduleId}`;
  const local = browserStorage('localStorage');
  let launch: XapiLaunch | Cmi5Launch | null = null;
  let problem = '';
  try {
    launch =
      data.target === 'cmi5'
        ? await launchCmi5(location.search, { fetch: window.fetch.bind(window), session: browserStorage('sessionStorage') })
        : launchTincan(location.search, local);
  } catch (e) {
    problem = e instanceof LaunchError ? e.message : 'The module could not connect to the learning system; your progress will not be recorded.';
  }

  let ui: Ui | null = null;
  let base = problem || (launch ? '' : NO_LRS);
  let baseTone: 'warn' | 'info' = problem ? 'warn' : 'info';
  let storeProblem = false;
  let outboxProblem = false;
  const refresh = (): void => {
    if (storeProblem || outboxProblem) ui?.notice(UNSAVED);
    else ui?.notice(base, baseTone);
  };

  if (!launch || !data.xapi) {
    // No LRS (opened directly, or the launch failed): the module works like the web target.
    const store = localStore(key, (p) => {
      storeProblem = p;
      refresh();
    });
    info.state = problem ? 'error' : 'offline';
    if (problem) info.error = problem;
    const tracker = createTracker(data, store);
    ui = startUi(data, tracker, createFeedback({ data, tracker, ...(local ? { storage: local } : {}) }));
    finishStart(refresh, store);
    return;
  }

  const cmi5 = 'launchMode' in launch ? (launch as Cmi5Launch) : null;
  const headers: Record<string, string> = { 'X-Experience-API-Version': '1.0.3' };
  if (launch.auth) headers.Authorization = launch.auth;
  const stateActivity = cmi5 ? cmi5.activityId : data.xapi.moduleIri;
  const remote: RemoteState = {
    url:
      `${launch.endpoint}activities/state?stateId=${encodeURIComponent(PROGRESS_STATE_ID)}` +
      `&activityId=${encodeURIComponent(stateActivity)}&agent=${encodeURIComponent(JSON.stringify(launch.actor))}` +
      `&registration=${encodeURIComponent(launch.registration)}`,
    headers,
    fetch: window.fetch.bind(window),
  };
  const mode = cmi5 ? lessonMode(cmi5.launchMode.toLowerCase()) : 'normal';
  const store = xapiStore({
    key: `${key}:xapi:${launch.registration}`,
    storage: local,
    remoteValues: await loadRemote(remote),
    remote,
    mode,
    masteryScore: cmi5?.masteryScore !== undefined ? String(Math.round(cmi5.masteryScore * 10000) / 100) : '',
    notify: (p) => {
      storeProblem = p;
      refresh();
    },
  });
  const tracker = createTracker(data, store);
  const session: Session = {
    actor: launch.actor,
    registration: launch.registration,
    course: data.xapi.course,
    module: data.xapi.module,
    platform: data.xapi.platform,
  };
  if (cmi5) session.contextTemplate = cmi5.contextTemplate as Session['contextTemplate'];

  // terminated must be queued before the outbox's own pagehide listener sends the queue,
  // so this listener is added first.
  let reporterFinish = (): void => {};
  window.addEventListener('pagehide', () => reporterFinish());
  const outbox = createOutbox({
    endpoint: launch.endpoint,
    auth: launch.auth || undefined,
    actor: launch.actor,
    registration: launch.registration,
    storage: local ?? memoryStorage(),
  });
  outbox.onChange((st) => {
    const bad = st.failures > 0 && st.pending > 0;
    if (bad !== outboxProblem) {
      outboxProblem = bad;
      refresh();
    }
  });
  const reporter = createReporter({
    data,
    tracker,
    store,
    enqueue: (s) => outbox.enqueue(s),
    session,
    feedbackForm: () => {
      const text = (document.getElementById('cp-comment-text') as HTMLTextAreaElement | null)?.value ?? '';
      const rating = Number((document.querySelector('input[name="cp-rating"]:checked') as HTMLInputElement | null)?.value);
      return rating >= 1 && rating <= 5 ? { comment: text, rating } : { comment: text };
    },
    ...(cmi5 ? { cmi5: { activityId: cmi5.activityId, ...(cmi5.masteryScore !== undefined ? { masteryScore: cmi5.masteryScore } : {}) } } : {}),
  });
  reporterFinish = () => reporter.tracker.finish();
  reporter.start();
  info.state = 'running';
  info.registration = launch.registration;
  if (cmi5) info.launchMode = cmi5.launchMode;
  if (MODE_NOTICE[mode]) {
    base = MODE_NOTICE[mode]!;
    baseTone = 'info';
  }

  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[href^="#term-"]');
    if (a) reporter.glossary(decodeURIComponent(a.getAttribute('href')!.slice(1)));
  });
  onPrint(() => reporter.printed());

  // The feedback hook (feedback.ts) decides the destinations; its xAPI one is the reporter's commented statement.
  const actor = launch.actor as { name?: string; mbox?: string; account?: { name: string } };
  const learner: Learner = {};
  if (actor.name) learner.name = actor.name;
  const learnerId = actor.account?.name ?? actor.mbox;
  if (learnerId) learner.id = learnerId;
  const feedback = createFeedback({ data, tracker: reporter.tracker, learner: () => learner, ...(local ? { storage: local } : {}) });
  ui = startUi(data, reporter.tracker, feedback);
  finishStart(refresh, store);

  const returnURL = cmi5?.returnURL;
  // With a returnURL the AU must go back to it on exit (cmi5 10.2.6.0-1), also in a window
  // the LMS opened: without an opener, ui.ts does not close the window on Exit.
  if (returnURL && window.opener) {
    try {
      window.opener = null;
    } catch {
      // read-only in some embeddings: the window closes as before
    }
  }
  document.getElementById('cp-exit')?.addEventListener('click', () => {
    // ui.ts has already finished the tracker (terminated is queued): deliver, then go back (cmi5 10.2.6.0-1).
    const done = Promise.race([outbox.flush(), new Promise((r) => setTimeout(r, 5000))]);
    if (returnURL) void done.then(() => location.assign(returnURL));
  });
}

function finishStart(refresh: () => void, store: Store): void {
  refresh();
  document.documentElement.classList.add('cp-ready');
  setInterval(() => store.commit(), 180000);
}

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear(),
  };
}
