// The xAPI (Tin Can) target: the modules as folders, tincan.xml at the root naming the
// course as the one launchable activity, and an index.html landing page that the
// player launches with endpoint, auth, actor, registration and activity_id in the
// query string; the landing page hands that query string on to the module it opens.
import type { Course } from '../course/types.ts';
import { landingPage, onlyModule, withModuleFolders } from './landing.ts';
import type { ModuleFiles } from './scorm12.ts';
import { buildTincanXml } from './tincan.ts';
import type { PackageFiles } from './zip.ts';

export function xapiPackageFiles(course: Course, modules: ModuleFiles[]): PackageFiles {
  const out = withModuleFolders(modules);
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
  const only = JSON.stringify(onlyModule(modules) ?? null);
  const head = `
  <script>
    (function () {
      var only = ${only};
      if (only) { location.replace(only + location.search); return; }
      document.addEventListener('DOMContentLoaded', function () {
        var links = document.querySelectorAll('a.cp-module');
        for (var i = 0; i < links.length; i++) links[i].setAttribute('href', links[i].getAttribute('href') + location.search);
      });
    })();
  </script>`;
  return landingPage(course, modules, head);
}
