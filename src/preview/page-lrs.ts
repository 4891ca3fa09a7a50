// The player page of the xAPI and cmi5 previews: the package in an iframe, launched by
// the embedded-LRS launcher, beside a panel with the launch (registration, activity id,
// session, fetch URL) and every statement the LRS stored, with its verdict under the
// coursepack profile. Course strings are escaped; statements are written by the
// browser script with textContent only.
import { escapeHtml } from '../package/html.ts';
import { playerStage, SUSPEND_DATA_LIMIT, type PageModel } from './page.ts';

export function renderLrsPlayerPage(m: PageModel): string {
  const course = m.course!;
  const data = { build: m.build, ok: true, target: m.target, courseId: course.id, launches: m.launches, suspendDataLimit: SUSPEND_DATA_LIMIT };
  const unit = m.target === 'cmi5' ? 'AU' : 'Activity';
  const row = (id: string, label: string): string => `      <div id="${id}-row"><dt>${label}</dt><dd id="${id}"></dd></div>`;
  return `${playerStage(m, data, unit)}  <section id="panel" class="panel" aria-labelledby="panel-h" tabindex="-1">
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
