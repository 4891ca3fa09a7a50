// The delivery targets. Each target turns the rendered modules into the files of one
// artifact and checks them; a new target is a new entry here, not a branch elsewhere.
import type { Course } from '../course/types.ts';
import type { Problem } from '../errors.ts';
import { escapeHtml } from './html.ts';
import { landingPage, onlyModule, withModuleFolders } from './landing.ts';
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
  const out = withModuleFolders(modules);
  // A single-module course opens its module straight away; the list stays as the
  // fallback for browsers that do not follow the refresh.
  const only = onlyModule(modules);
  const head = only ? `\n  <meta http-equiv="refresh" content="0; url=${escapeHtml(only)}">` : '';
  out.set('index.html', Buffer.from(landingPage(course, modules, head), 'utf8'));
  return out;
}

function checkWebPackage(files: PackageFiles): Problem[] {
  const problems: Problem[] = [];
  if (!files.has('index.html')) {
    problems.push({ code: 'PKG_MISSING_FILE', severity: 'error', message: 'index.html is missing', file: 'index.html' });
  }
  return problems;
}
