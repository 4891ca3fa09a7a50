// The preview's HTML pages: the LMS-like player (package in an iframe beside a live
// panel of CMI data and API calls) and, when the build fails, the list of problems.
// Every string from the course or a problem is escaped; the data for the browser
// script travels as JSON in a non-executed script element with `<` escaped.
import type { Problem } from '../errors.ts';
import { escapeHtml } from '../package/html.ts';
import type { ScoLaunch } from './manifest.ts';
import type { PreviewTargetId } from './targets.ts';

export const SUSPEND_DATA_LIMIT = 4096;

export interface PageModel {
  build: number;
  target: PreviewTargetId;
  ok: boolean;
  builtAt: Date;
  ms: number;
  course?: { id: string; title: string; version: string };
  launches: ScoLaunch[];
  /** Browser scripts of the target's player, in load order (served under /_preview/). */
  scripts: string[];
  /** Errors (and warnings) of a failed build, or warnings of a good one. */
  problems: Problem[];
}

export const TARGET_NAMES: Record<PreviewTargetId, string> = { scorm12: 'SCORM 1.2', cmi5: 'cmi5', xapi: 'xAPI' };

/** JSON that is safe inside <script type="application/json">. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const clock = (d: Date): string => d.toTimeString().slice(0, 8);

export function head(title: string, data: unknown, scripts: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/_preview/player.css">
<script type="application/json" id="preview-data">${scriptJson(data)}</script>
${scripts.map((s) => `<script src="/_preview/${escapeHtml(s)}.js" defer></script>`).join('\n')}
</head>`;
}

export function problemItem(p: Problem): string {
  let where = p.file ?? '';
  if (p.file && p.line) where += `:${p.line}` + (p.column ? `:${p.column}` : '');
  return `<li class="problem ${p.severity}" data-code="${escapeHtml(p.code)}">
  ${where ? `<code class="where">${escapeHtml(where)}</code> ` : ''}<strong class="code">${escapeHtml(p.severity === 'warning' ? `warning ${p.code}` : p.code)}</strong>
  <span class="message">${escapeHtml((p.path ? `${p.path}: ` : '') + p.message)}</span>${
    p.hint ? `\n  <p class="hint">hint: ${escapeHtml(p.hint)}</p>` : ''
  }
</li>`;
}

export function renderFailedPage(m: PageModel): string {
  const errors = m.problems.filter((p) => p.severity === 'error');
  const data = { build: m.build, ok: false, courseId: m.course?.id ?? '', launches: [], suspendDataLimit: SUSPEND_DATA_LIMIT };
  return `${head('Build failed — coursepack preview', data, ['live'])}
<body class="failed">
<main class="failed-main">
  <h1>Build failed</h1>
  <div role="alert" class="alert">
    <p>${errors.length === 1 ? '1 error' : `${errors.length} errors`} in the course (build ${m.build}, ${escapeHtml(clock(m.builtAt))}).
    This page reloads as soon as the course changes.</p>
  </div>
  <ol id="problems">
${m.problems.map(problemItem).join('\n')}
  </ol>
  <p id="live-status" role="status" class="live"></p>
</main>
</body>
</html>
`;
}

export function renderPlayerPage(m: PageModel): string {
  const course = m.course!;
  const data = { build: m.build, ok: true, courseId: course.id, launches: m.launches, suspendDataLimit: SUSPEND_DATA_LIMIT };
  const row = (id: string, label: string, extra = ''): string =>
    `      <div id="${id}-row"><dt>${label}</dt><dd id="${id}"></dd>${extra}</div>`;
  return `${playerStage(m, data, 'SCO')}  <section id="panel" class="panel" aria-labelledby="panel-h" tabindex="-1">
    <h2 id="panel-h">LMS data (cmi)</h2>
    <dl class="cmi">
${row('cmi-student', 'student_id (student_name)')}
${row('cmi-entry', 'entry')}
${row('cmi-lesson_status', 'lesson_status')}
${row('cmi-lesson_location', 'lesson_location')}
${row('cmi-score', 'score.raw')}
${row('cmi-mastery_score', 'mastery_score')}
${row(
  'cmi-suspend_data',
  'suspend_data',
  `<dd><meter id="suspend-meter" min="0" max="${SUSPEND_DATA_LIMIT}" low="${SUSPEND_DATA_LIMIT * 0.75}" high="${SUSPEND_DATA_LIMIT * 0.9}" optimum="0" value="0" aria-label="suspend_data used"></meter>
        <details><summary>Show suspend_data</summary><pre id="cmi-suspend_data-value"></pre></details></dd>`,
)}
${row('cmi-session_time', 'session_time')}
${row('cmi-total_time', 'total_time (with this session)')}
${row('cmi-exit', 'exit')}
${row('cmi-comments', 'comments')}
    </dl>
    <h3 id="interactions-h">Interactions <span id="interactions-count">(0)</span></h3>
    <div class="scroll" role="region" aria-labelledby="interactions-h" tabindex="0">
      <table id="interactions">
        <thead><tr><th scope="col">n</th><th scope="col">id</th><th scope="col">type</th><th scope="col">student_response</th><th scope="col">result</th><th scope="col">latency</th></tr></thead>
        <tbody id="interactions-body"></tbody>
      </table>
    </div>
    <h2 id="log-h">API calls</h2>
    <div class="toolbar">
      <input type="checkbox" id="show-error-queries"><label for="show-error-queries">Show LMSGetLastError calls</label>
      <button type="button" id="clear-log">Clear log</button>
    </div>
    <div class="scroll log" role="region" aria-labelledby="log-h" tabindex="0">
      <table id="log">
        <thead><tr><th scope="col">#</th><th scope="col">Time (s)</th><th scope="col">Call</th><th scope="col">Arguments</th><th scope="col">Returns</th><th scope="col">Error</th></tr></thead>
        <tbody id="log-body"></tbody>
      </table>
    </div>
  </section>
</main>
</body>
</html>
`;
}

/**
 * The top of a player page, shared by the SCORM 1.2 and the LRS (xAPI, cmi5) players:
 * head, header with build and warnings, and the stage with the package's iframe and
 * its toolbar. `unit` names a launchable unit in the picker (SCO, AU, Activity).
 */
export function playerStage(m: PageModel, data: object, unit: string): string {
  const course = m.course!;
  const picker =
    m.launches.length > 1
      ? `<label for="sco-select">${unit}</label>
      <select id="sco-select">
${m.launches.map((l) => `        <option value="${escapeHtml(l.id)}">${escapeHtml(l.title)}</option>`).join('\n')}
      </select>`
      : `<span class="sco-name">${escapeHtml(m.launches[0].title)}</span>`;
  const warnings = m.problems.length
    ? `\n    <details class="warnings"><summary>${m.problems.length === 1 ? '1 warning' : `${m.problems.length} warnings`}</summary>
      <ol id="problems">
${m.problems.map(problemItem).join('\n')}
      </ol></details>`
    : '';
  return `${head(`${course.title} — coursepack preview`, data, m.scripts)}
<body>
<a class="skip" href="#panel">Skip to the LMS panel</a>
<header class="bar">
  <h1>${escapeHtml(course.title)} <span class="sub">${escapeHtml(course.version)} · ${TARGET_NAMES[m.target]} preview</span></h1>
  <p class="build">Build ${m.build} at ${escapeHtml(clock(m.builtAt))} in ${m.ms} ms.${warnings}</p>
  <p id="live-status" role="status" class="live"></p>
</header>
<main class="layout">
  <section class="stage" aria-labelledby="stage-h">
    <h2 id="stage-h" class="visually-hidden">Course package</h2>
    <div class="toolbar">
      ${picker}
      <button type="button" id="relaunch">Relaunch (resume)</button>
      <button type="button" id="new-attempt">New attempt</button>
      <label for="frame-width">Width</label>
      <select id="frame-width">
        <option value="">Fill</option>
        <option value="1280">1280 px (desktop)</option>
        <option value="1024">1024 px</option>
        <option value="768">768 px (tablet)</option>
        <option value="360">360 px (phone)</option>
      </select>
      <span id="attempt-status" role="status"></span>
    </div>
    <iframe id="sco" title="Course content" src="about:blank"></iframe>
  </section>`;
}
