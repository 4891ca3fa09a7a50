// Browser code (no Node imports): the LMS side of the xAPI and cmi5 previews. It asks
// the preview server for a launch (POST /_preview/launch: the server writes LaunchData,
// makes the key and the fetch URL), opens the returned URL in the iframe, and lists every
// statement the embedded LRS stored (polling /_preview/statements) with its verdict
// under the coursepack profile. Everything is written with textContent: statement
// values and course text are never parsed as HTML.
import { connectLiveReload } from './live-reload.ts';
import { unloadFrame, wireFrameWidth } from './frame.ts';
import type { FeedEntry } from '../statement-feed.ts';

interface Launch {
  id: string;
  title: string;
}
interface PreviewData {
  build: number;
  ok: boolean;
  target: 'xapi' | 'cmi5';
  courseId: string;
  launches: Launch[];
}
interface LaunchAnswer {
  mode: 'resume' | 'new';
  url: string;
  registration: string;
  activityId: string;
  endpoint: string;
  actor: { name?: string; account?: { name: string } };
  sessionId?: string;
  fetchUrl?: string;
}

const POLL_MS = 500;
const ROW_LIMIT = 2000;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const data = JSON.parse($('preview-data').textContent ?? '{}') as PreviewData;
connectLiveReload(data.build, $('live-status'));
if (data.ok && data.launches.length) startPlayer();

function startPlayer(): void {
  const iframe = $<HTMLIFrameElement>('sco');
  const select = document.getElementById('sco-select') as HTMLSelectElement | null;
  const body = $<HTMLTableSectionElement>('statements-body');
  const only = $<HTMLInputElement>('only-registration');
  const selectedKey = `coursepack-preview:${data.target}:${data.courseId}:selected`;
  let unit = data.launches.find((l) => l.id === sessionStorage.getItem(selectedKey)) ?? data.launches[0];
  let registration = '';
  let after = 0;
  let busy = false;
  let invalid = 0;

  const set = (id: string, value: string): void => {
    const el = document.getElementById(id);
    if (el && el.textContent !== value) el.textContent = value;
  };

  const applyFilter = (tr: HTMLTableRowElement): void => {
    const reg = tr.dataset.registration;
    tr.hidden = only.checked && reg !== undefined && reg !== registration;
  };
  const applyFilterAll = (): void => Array.from(body.rows).forEach(applyFilter);

  function addMarker(text: string): void {
    const tr = document.createElement('tr');
    tr.className = 'marker';
    tr.dataset.registration = registration;
    const td = document.createElement('td');
    td.colSpan = 6;
    td.textContent = text;
    tr.append(td);
    body.append(tr);
  }

  function addEntry(e: FeedEntry): void {
    const tr = document.createElement('tr');
    tr.dataset.verb = e.verb;
    tr.dataset.registration = e.registration;
    tr.dataset.valid = String(e.valid);
    tr.classList.add(e.valid ? 'valid' : 'invalid');
    const th = document.createElement('th');
    th.scope = 'row';
    th.className = 'seq';
    th.textContent = String(e.seq);
    tr.append(th);
    const stored = new Date(e.stored);
    for (const [cls, text] of [
      ['time', Number.isNaN(stored.getTime()) ? e.stored : stored.toTimeString().slice(0, 8)],
      ['verb', e.verb],
      ['object', e.object],
      ['result', e.result || '—'],
    ]) {
      const td = document.createElement('td');
      td.className = cls;
      td.textContent = text;
      tr.append(td);
    }
    const verdict = document.createElement('td');
    verdict.className = 'verdict';
    const label = document.createElement('strong');
    label.textContent = e.valid ? 'valid' : 'invalid';
    verdict.append(label);
    if (!e.valid) {
      const reasons = document.createElement('ul');
      reasons.className = 'reasons';
      for (const r of e.errors) {
        const li = document.createElement('li');
        li.textContent = r;
        reasons.append(li);
      }
      verdict.append(reasons);
    }
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'JSON';
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(e.statement, null, 2);
    details.append(summary, pre);
    verdict.append(details);
    tr.append(verdict);
    applyFilter(tr);
    body.append(tr);
    while (body.rows.length > ROW_LIMIT) body.deleteRow(0);
  }

  async function poll(): Promise<void> {
    try {
      const res = await fetch(`/_preview/statements?after=${after}`, { cache: 'no-store' });
      if (res.ok) {
        const { entries } = (await res.json()) as { entries: FeedEntry[] };
        for (const e of entries) {
          addEntry(e);
          after = e.seq;
          if (!e.valid) invalid++;
        }
        set('statements-count', `(${after})`);
        set('invalid-count', invalid ? `${invalid} invalid` : '');
      }
    } catch {
      // the live-reload status already says when the server is gone
    }
    setTimeout(() => void poll(), POLL_MS);
  }

  async function launch(mode: 'resume' | 'new'): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      await unloadFrame(iframe);
      const res = await fetch('/_preview/launch', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: unit.id, mode }),
      });
      if (!res.ok) {
        set('attempt-status', `Launch failed (HTTP ${res.status}).`);
        return;
      }
      const l = (await res.json()) as LaunchAnswer;
      const resumed = registration !== '' && l.registration === registration;
      registration = l.registration;
      set('launch-actor', `${l.actor.name ?? ''} (${l.actor.account?.name ?? ''})`);
      set('launch-registration', l.registration);
      set('launch-activity', l.activityId);
      set('launch-session', l.sessionId ?? '');
      set('launch-fetch', l.fetchUrl ?? '');
      set('launch-endpoint', l.endpoint);
      const what = mode === 'new' ? 'New attempt of' : 'Launched';
      addMarker(`${what} “${unit.title}” (registration ${l.registration}${l.sessionId ? `, session ${l.sessionId}` : ''})`);
      set('attempt-status', mode === 'new' ? `New attempt of “${unit.title}” (new registration).` : resumed ? `Relaunched “${unit.title}” (same registration).` : `Launched “${unit.title}”.`);
      applyFilterAll();
      iframe.title = `Course content: ${unit.title}`;
      iframe.src = l.url;
    } finally {
      busy = false;
    }
  }

  $('relaunch').addEventListener('click', () => void launch('resume'));
  $('new-attempt').addEventListener('click', () => void launch('new'));
  only.addEventListener('change', applyFilterAll);
  select?.addEventListener('change', () => {
    const next = data.launches.find((l) => l.id === select.value);
    if (!next || next === unit) return;
    unit = next;
    sessionStorage.setItem(selectedKey, unit.id);
    void launch('resume');
  });
  if (select) select.value = unit.id;
  wireFrameWidth(iframe, $<HTMLSelectElement>('frame-width'));
  void launch('resume');
  void poll();
}
