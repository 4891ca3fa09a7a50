// The player page of the xAPI and cmi5 previews: the package in an iframe, launched by
// the embedded-LRS launcher, beside a panel with the launch (registration, activity id,
// session, fetch URL) and every statement the LRS stored, with its verdict under the
// coursepack profile. Course strings are escaped; statements are written by the
// browser script with textContent only.
import { escapeHtml } from '../package/html.ts';
import { clock, head, problemItem, SUSPEND_DATA_LIMIT, TARGET_NAMES, type PageModel } from './page.ts';

export function renderLrsPlayerPage(m: PageModel): string {
  const course = m.course!;
  const data = { build: m.build, ok: true, target: m.target, courseId: course.id, launches: m.launches, suspendDataLimit: SUSPEND_DATA_LIMIT };
  const unit = m.target === 'cmi5' ? 'AU' : 'Activity';
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
  const row = (id: string, label: string): string => `      <div id="${id}-row"><dt>${label}</dt><dd id="${id}"></dd></div>`;
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
  </section>
  <section id="panel" class="panel" aria-labelledby="panel-h" tabindex="-1">
    <h2 id="panel-h">Launch (${m.target === 'cmi5' ? 'cmi5' : 'Tin Can'}, embedded LRS)</h2>
    <dl class="cmi">
${row('launch-actor', 'actor')}
${row('launch-registration', 'registration')}
${row('launch-activity', m.target === 'cmi5' ? 'activityId' : 'activity_id')}
${m.target === 'cmi5' ? `${row('launch-session', 'session id')}\n${row('launch-fetch', 'fetch URL')}\n` : ''}${row('launch-endpoint', 'endpoint')}
    </dl>
    <h2 id="statements-h">Statements <span id="statements-count">(0)</span></h2>
    <div class="toolbar">
      <input type="checkbox" id="only-registration" checked><label for="only-registration">Only this registration</label>
      <span id="invalid-count" class="invalid-count"></span>
    </div>
    <div class="scroll log" role="region" aria-labelledby="statements-h" tabindex="0">
      <table id="statements">
        <thead><tr><th scope="col">#</th><th scope="col">Stored</th><th scope="col">Verb</th><th scope="col">Object</th><th scope="col">Result</th><th scope="col">Profile</th></tr></thead>
        <tbody id="statements-body"></tbody>
      </table>
    </div>
  </section>
</main>
</body>
</html>
`;
}
