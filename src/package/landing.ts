// Pieces every target shares: the module folders inside a package, and the small
// landing page at the package root (web and Tin Can) that lists the modules.
import type { Course } from '../course/types.ts';
import { escapeHtml } from './html.ts';
import { moduleFolder, type ModuleFiles } from './scorm12.ts';
import type { PackageFiles } from './zip.ts';

/** A package's files with every module's files placed under its module folder. */
export function withModuleFolders(modules: ModuleFiles[]): PackageFiles {
  const out: PackageFiles = new Map();
  for (const m of modules) {
    for (const [p, data] of m.files) out.set(`${moduleFolder(m.moduleId)}/${p}`, data);
  }
  return out;
}

/** The module launch path of a one-module course, else undefined. */
export function onlyModule(modules: ModuleFiles[]): string | undefined {
  return modules.length === 1 ? `${moduleFolder(modules[0].moduleId)}/index.html` : undefined;
}

/**
 * The landing page listing the modules (links carry class cp-module). `head` is extra
 * markup for <head>: how a one-module course goes straight to its module.
 */
export function landingPage(course: Course, modules: ModuleFiles[], head: string): string {
  const title = escapeHtml(course.title);
  const links = modules
    .map((m) => {
      const mod = course.modules.find((x) => x.id === m.moduleId)!;
      return `      <li><a class="cp-module" href="${escapeHtml(moduleFolder(m.moduleId))}/index.html">${escapeHtml(mod.title)}</a></li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(course.language)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">${head}
  <title>${title}</title>
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
