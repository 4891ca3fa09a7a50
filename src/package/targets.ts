// The delivery targets. Each target turns the rendered modules into the files of one
// artifact and checks them; a new target is a new entry here, not a branch elsewhere.
import type { Course } from '../course/types.ts';
import type { Problem } from '../errors.ts';
import { escapeHtml } from './html.ts';
import { scorm12PackageFiles, moduleFolder, type ModuleFiles } from './scorm12.ts';
import type { PackageFiles } from './zip.ts';
import { checkScorm12Package } from '../validate/scorm12.ts';
import { checkTincanPackage } from '../validate/tincan.ts';
import { checkCmi5Package } from '../validate/cmi5.ts';
import { xapiPackageFiles } from './xapi-target.ts';
import { cmi5PackageFiles } from './cmi5-target.ts';

export type TargetId = 'scorm12' | 'web' | 'xapi' | 'cmi5';
export const TARGET_IDS: TargetId[] = ['scorm12', 'web', 'xapi', 'cmi5'];

export interface Target {
  id: TargetId;
  /** What the renderer should produce the module pages for. */
  render: 'scorm12' | 'web' | 'xapi' | 'cmi5';
  /** File name of the artifact inside the output folder. */
  artifactName(course: Course): string;
  /** Also write the package unzipped as a folder (for review and preview). */
  folder: boolean;
  files(course: Course, modules: ModuleFiles[], schemaDir: string): PackageFiles;
  check(files: PackageFiles): Promise<Problem[]>;
}

const base = (course: Course) => `${course.id}-${course.version}`;

export const TARGETS: Record<TargetId, Target> = {
  scorm12: {
    id: 'scorm12',
    render: 'scorm12',
    artifactName: (course) => `${base(course)}-scorm12.zip`,
    folder: false,
    files: scorm12PackageFiles,
    check: checkScorm12Package,
  },
  web: {
    id: 'web',
    render: 'web',
    artifactName: (course) => `${base(course)}-web.zip`,
    folder: true,
    files: webPackageFiles,
    check: async (files) => checkWebPackage(files),
  },
  xapi: {
    id: 'xapi',
    render: 'xapi',
    artifactName: (course) => `${base(course)}-xapi.zip`,
    folder: false,
    files: xapiPackageFiles,
    check: async (files) => checkTincanPackage(files),
  },
  cmi5: {
    id: 'cmi5',
    render: 'cmi5',
    artifactName: (course) => `${base(course)}-cmi5.zip`,
    folder: false,
    files: cmi5PackageFiles,
    check: checkCmi5Package,
  },
};

/** The web target: the modules as plain folders and a landing page, no LMS needed. */
export function webPackageFiles(course: Course, modules: ModuleFiles[]): PackageFiles {
  const out: PackageFiles = new Map();
  for (const m of modules) {
    for (const [p, data] of m.files) out.set(`${moduleFolder(m.moduleId)}/${p}`, data);
  }
  out.set('index.html', Buffer.from(landingPage(course, modules), 'utf8'));
  return out;
}

function landingPage(course: Course, modules: ModuleFiles[]): string {
  const lang = escapeHtml(course.language);
  const title = escapeHtml(course.title);
  const only = modules.length === 1 ? `${moduleFolder(modules[0].moduleId)}/index.html` : undefined;
  const links = modules
    .map((m) => {
      const mod = course.modules.find((x) => x.id === m.moduleId)!;
      return `      <li><a href="${escapeHtml(moduleFolder(m.moduleId))}/index.html">${escapeHtml(mod.title)}</a></li>`;
    })
    .join('\n');
  // A single-module course opens its module straight away; the list stays as the
  // fallback for browsers that do not follow the refresh.
  const refresh = only ? `\n  <meta http-equiv="refresh" content="0; url=${escapeHtml(only)}">` : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
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

function checkWebPackage(files: PackageFiles): Problem[] {
  const problems: Problem[] = [];
  if (!files.has('index.html')) {
    problems.push({ code: 'PKG_MISSING_FILE', severity: 'error', message: 'index.html is missing', file: 'index.html' });
  }
  return problems;
}
