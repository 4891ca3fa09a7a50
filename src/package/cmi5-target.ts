// The cmi5 target: one AU per module folder and the course structure (cmi5.xml) at the
// zip root. The LMS launches each AU's index.html directly with the cmi5 launch
// parameters, so there is no landing page.
import type { Course } from '../course/types.ts';
import { buildCmi5Xml } from './cmi5.ts';
import { withModuleFolders } from './landing.ts';
import type { ModuleFiles } from './scorm12.ts';
import type { PackageFiles } from './zip.ts';

export function cmi5PackageFiles(course: Course, modules: ModuleFiles[]): PackageFiles {
  const out = withModuleFolders(modules);
  out.set('cmi5.xml', Buffer.from(buildCmi5Xml(course), 'utf8'));
  return out;
}
