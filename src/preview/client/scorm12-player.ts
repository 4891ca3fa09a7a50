// Browser code (no Node imports): the LMS side of the SCORM 1.2 preview. It gives the
// SCO scorm-again's Scorm12API as window.API (through a wrapper that logs each call
// with its arguments, return value and LMSGetLastError), keeps what the SCO commits
// the way an LMS would (per SCO, in sessionStorage so a rebuild reload resumes), and
// shows the CMI data live. Everything is written with textContent: SCO values and
// course text are never parsed as HTML.
import { connectLiveReload } from './live-reload.ts';
import { unloadFrame, wireFrameWidth } from './frame.ts';

/** The scorm-again surface this player uses (loaded as a global from scorm12.min.js). */
interface Scorm12ApiLike {
  [fn: string]: unknown;
  cmi: { toJSON(): unknown; getCurrentTotalTime(): string };
  loadFromJSON(json: object, element: string): void;
  LMSGetLastError(): string;
  LMSGetErrorString(code: string): string;
}
type ApiCtor = new (settings: object) => Scorm12ApiLike;

interface Launch {
  id: string;
  title: string;
  href: string;
  masteryScore?: string;
  launchData?: string;
}
interface PreviewData {
  build: number;
  ok: boolean;
  courseId: string;
  launches: Launch[];
  suspendDataLimit: number;
}

/** What the LMS keeps between sessions (the committed CMI, as scorm-again's JSON). */
interface Cmi {
  core: {
    student_id: string;
    student_name: string;
    lesson_location: string;
    credit: string;
    lesson_status: string;
    entry: string;
    lesson_mode: string;
    exit: string;
    session_time: string;
    score: { raw: string; min: string; max: string };
  };
  suspend_data: string;
  launch_data: string;
  comments: string;
  objectives: Record<string, unknown>;
  student_data: { mastery_score: string };
  student_preference: Record<string, string>;
  interactions: Record<string, { id: string; type: string; student_response: string; result: string; time: string; latency: string }>;
  total_time?: string;
}

const FUNCTIONS = [
  'LMSInitialize',
  'LMSFinish',
  'LMSGetValue',
  'LMSSetValue',
  'LMSCommit',
  'LMSGetLastError',
  'LMSGetErrorString',
  'LMSGetDiagnostic',
];
/** Calls that only ask about the last error: they do not change it, so no code is recorded. */
const ERROR_QUERIES = new Set(['LMSGetLastError', 'LMSGetErrorString', 'LMSGetDiagnostic']);
const LOG_LIMIT = 2000;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const data = JSON.parse($('preview-data').textContent ?? '{}') as PreviewData;
connectLiveReload(data.build, $('live-status'));
if (data.ok && data.launches.length) startPlayer();

function startPlayer(): void {
  const iframe = $<HTMLIFrameElement>('sco');
  const select = document.getElementById('sco-select') as HTMLSelectElement | null;
  const logBody = $<HTMLTableSectionElement>('log-body');
  const selectedKey = `coursepack-preview:${data.courseId}:selected`;
  let sco = data.launches.find((l) => l.id === sessionStorage.getItem(selectedKey)) ?? data.launches[0];
  let api: Scorm12ApiLike | null = null;
  let launchedAt = 0;
  let seq = 0;
  let busy = false;

  const recordKey = (s: Launch): string => `coursepack-preview:${data.courseId}:${s.id}`;
  const saved = (s: Launch): Cmi | null => {
    try {
      return JSON.parse(sessionStorage.getItem(recordKey(s)) ?? 'null') as Cmi | null;
    } catch {
      return null;
    }
  };
  const persist = (inner: Scorm12ApiLike): void => {
    const cmi = JSON.parse(JSON.stringify(inner.cmi)) as Cmi;
    cmi.total_time = inner.cmi.getCurrentTotalTime();
    sessionStorage.setItem(recordKey(sco), JSON.stringify(cmi));
  };

  /** The data an LMS hands a SCO at launch: learner, mode, mastery score and, on resume, what was committed. */
  const initialCmi = (s: Launch, prior: Cmi | null): object => ({
    core: {
      student_id: 'preview',
      student_name: 'preview',
      credit: 'credit',
      lesson_mode: 'normal',
      entry: prior ? 'resume' : 'ab-initio',
      lesson_status: prior?.core.lesson_status || 'not attempted',
      lesson_location: prior?.core.lesson_location ?? '',
      total_time: prior?.total_time || '0000:00:00',
      ...(prior ? { score: prior.core.score } : {}),
    },
    suspend_data: prior?.suspend_data ?? '',
    launch_data: s.launchData ?? '',
    comments: prior?.comments ?? '',
    student_data: { mastery_score: s.masteryScore ?? '' },
    ...(prior ? { objectives: prior.objectives, interactions: prior.interactions, student_preference: prior.student_preference } : {}),
  });

  const wrap = (inner: Scorm12ApiLike): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const name of FUNCTIONS) {
      out[name] = (...args: unknown[]): string => {
        const fn = inner[name] as (...a: unknown[]) => string;
        const ret = String(fn.apply(inner, args));
        const code = ERROR_QUERIES.has(name) ? '' : String(inner.LMSGetLastError());
        // Only what a successful commit carries is kept, as an LMS keeps it.
        if ((name === 'LMSCommit' || name === 'LMSFinish') && ret === 'true' && api === inner) persist(inner);
        addLogRow(name, args, ret, code, code && code !== '0' ? String(inner.LMSGetErrorString(code)) : '');
        scheduleRender();
        return ret;
      };
    }
    return out;
  };

  function addLogRow(name: string, args: unknown[], ret: string, code: string, text: string): void {
    const tr = document.createElement('tr');
    tr.dataset.fn = name;
    if (ERROR_QUERIES.has(name)) tr.classList.add('error-query');
    if (code && code !== '0') tr.classList.add('failed');
    const cells = [
      String(++seq),
      ((performance.now() - launchedAt) / 1000).toFixed(3),
      name,
      args.map((a) => JSON.stringify(a)).join(', '),
      JSON.stringify(ret),
      code ? (text ? `${code} ${text}` : code) : '—',
    ];
    cells.forEach((c, i) => {
      const td = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) td.setAttribute('scope', 'row');
      td.className = ['seq', 'time', 'fn', 'args', 'ret', 'err'][i];
      td.textContent = c;
      tr.append(td);
    });
    logBody.append(tr);
    while (logBody.rows.length > LOG_LIMIT) logBody.deleteRow(0);
  }

  function addMarker(text: string): void {
    const tr = document.createElement('tr');
    tr.className = 'marker';
    const td = document.createElement('td');
    td.colSpan = 6;
    td.textContent = text;
    tr.append(td);
    logBody.append(tr);
  }

  let renderQueued = false;
  function scheduleRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => {
      renderQueued = false;
      render();
    }, 0);
  }

  const set = (id: string, value: string): void => {
    const el = document.getElementById(id);
    if (el && el.textContent !== value) el.textContent = value;
  };

  function render(): void {
    if (!api) return;
    const cmi = JSON.parse(JSON.stringify(api.cmi)) as Cmi;
    const c = cmi.core;
    set('cmi-student', `${c.student_id} (${c.student_name})`);
    set('cmi-entry', c.entry || '(empty)');
    set('cmi-lesson_status', c.lesson_status);
    set('cmi-lesson_location', c.lesson_location || '(empty)');
    const s = c.score;
    set('cmi-score', s.raw === '' ? '(none)' : `${s.raw} (min ${s.min || '—'}, max ${s.max || '—'})`);
    set('cmi-mastery_score', cmi.student_data.mastery_score || '(none)');
    set('cmi-exit', c.exit || '(empty)');
    set('cmi-session_time', c.session_time || '(not set)');
    set('cmi-total_time', api.cmi.getCurrentTotalTime());
    const len = cmi.suspend_data.length;
    const limit = data.suspendDataLimit;
    set('cmi-suspend_data', `${len} of ${limit} characters (${Math.round((len / limit) * 100)}%)`);
    const meter = $<HTMLMeterElement>('suspend-meter');
    meter.value = Math.min(len, limit);
    $('cmi-suspend_data-row').classList.toggle('over', len > limit);
    set('cmi-suspend_data-value', cmi.suspend_data);
    set('cmi-comments', `${cmi.comments.length} characters`);

    const rows = Object.entries(cmi.interactions);
    set('interactions-count', `(${rows.length})`);
    const body = $<HTMLTableSectionElement>('interactions-body');
    body.replaceChildren(
      ...rows.map(([n, it]) => {
        const tr = document.createElement('tr');
        for (const v of [n, it.id, it.type, it.student_response, it.result, it.latency]) {
          const td = document.createElement('td');
          td.textContent = v;
          tr.append(td);
        }
        return tr;
      }),
    );
  }

  async function launch(mode: 'resume' | 'new'): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      await unloadFrame(iframe);
      if (mode === 'new') sessionStorage.removeItem(recordKey(sco));
      const prior = saved(sco);
      const Ctor = (window as unknown as { Scorm12API: ApiCtor }).Scorm12API;
      const inner = new Ctor({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
      inner.loadFromJSON(initialCmi(sco, prior), 'cmi');
      api = inner;
      (window as unknown as { API: unknown }).API = wrap(inner);
      launchedAt = performance.now();
      addMarker(`${prior ? 'Resumed' : 'New attempt of'} “${sco.title}” (entry = ${prior ? 'resume' : 'ab-initio'})`);
      set('attempt-status', prior ? `Resumed “${sco.title}” with the saved data.` : `New attempt of “${sco.title}”.`);
      render();
      iframe.title = `Course content: ${sco.title}`;
      iframe.src = new URL(sco.href, `${location.origin}/pkg/`).href;
    } finally {
      busy = false;
    }
  }

  $('relaunch').addEventListener('click', () => void launch('resume'));
  $('new-attempt').addEventListener('click', () => void launch('new'));
  $('clear-log').addEventListener('click', () => logBody.replaceChildren());
  const toggle = $<HTMLInputElement>('show-error-queries');
  const applyToggle = (): void => void $('log').classList.toggle('hide-error-queries', !toggle.checked);
  toggle.addEventListener('change', applyToggle);
  applyToggle();
  select?.addEventListener('change', () => {
    const next = data.launches.find((l) => l.id === select.value);
    if (!next || next === sco) return;
    void unloadFrame(iframe).then(() => {
      sco = next;
      sessionStorage.setItem(selectedKey, sco.id);
      void launch('resume');
    });
  });
  if (select) select.value = sco.id;
  wireFrameWidth(iframe, $<HTMLSelectElement>('frame-width'));
  void launch('resume');
}
