// The xAPI (Tin Can) target: the modules as folders, tincan.xml at the root naming the
// course as the one launchable activity, and an index.html landing page that the
// player launches with endpoint, auth, actor, registration and activity_id in the
// query string; the landing page hands that query string on to the module it opens.
import type { Course } from '../course/types.ts';
import { escapeHtml } from './html.ts';
import { moduleFolder, type ModuleFiles } from './scorm12.ts';
import { buildTincanXml } from './tincan.ts';
import type { PackageFiles } from './zip.ts';

export function xapiPackageFiles(course: Course, modules: ModuleFiles[]): PackageFiles {
  const out: PackageFiles = new Map();
  for (const m of modules) {
    for (const [p, data] of m.files) out.set(`${moduleFolder(m.moduleId)}/${p}`, data);
  }
  out.set('index.html', Buffer.from(launchPage(course, modules), 'utf8'));
  out.set('tincan.xml', Buffer.from(buildTincanXml(course, 'index.html'), 'utf8'));
  return out;
}

/**
 * The launch page. A one-module course goes straight to its module, keeping the launch
 * parameters; with several modules each link carries them. Without script the links
 * still open the modules (untracked, as the runtime then has no LRS).
 */
export function launchPage(course: Course, modules: ModuleFiles[]): string {
  const title = escapeHtml(course.title);
  const links = modules
    .map((m) => {
      const mod = course.modules.find((x) => x.id === m.moduleId)!;
      return `      <li><a class="cp-module" href="${escapeHtml(moduleFolder(m.moduleId))}/index.html">${escapeHtml(mod.title)}</a></li>`;
    })
    .join('\n');
  const only = modules.length === 1 ? JSON.stringify(`${moduleFolder(modules[0]!.moduleId)}/index.html`) : 'null';
  return `<!doctype html>
<html lang="${escapeHtml(course.language)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <script>
    (function () {
      var only = ${only};
      if (only) { location.replace(only + location.search); return; }
      document.addEventListener('DOMContentLoaded', function () {
        var links = document.querySelectorAll('a.cp-module');
        for (var i = 0; i < links.length; i++) links[i].setAttribute('href', links[i].getAttribute('href') + location.search);
      });
    })();
  </script>
</head>
<body>
  <main>
    <h1>${title}</h1>
    <ul>
${links}
    </ul>
  </main>
</body>
</html>
`;
}
