// The example course (course/) built by the real pipeline into a temp folder and read back
// from its zips: the first step of every end-to-end test, written once. A test that needs
// another course.yaml passes an edit; the course is then copied first, never changed in place.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCourse, type BuildReport } from '../../src/package/build.ts';
import type { TargetId } from '../../src/package/targets.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import { moduleDataOf } from './learner.ts';
import { filesFromZip } from './lms-server.ts';

export const EXAMPLE_COURSE = fileURLToPath(new URL('../../course', import.meta.url));

/** course.yaml edit: comments are also sent as commented statements (feedback.xapi). */
export const xapiComments = (yaml: string): string => yaml.replace(/^(\s+)scormComments: true$/m, '$1scormComments: true\n$1xapi: true');

/** course.yaml edit: the scorm12 xAPI side channel reports to `endpoint` with `key`. */
export const sideChannelTo = (endpoint: string, key: { key: string; secret: string }) => (yaml: string): string =>
  `${yaml}lrs:\n  endpoint: ${endpoint}\n  key: ${key.key}\n  secret: ${key.secret}\n`;

export interface BuiltExample {
  /** The temp folder holding the copy, the zips and anything else the test puts there. */
  dir: string;
  /** The course folder that was built (the edited copy, or course/ itself). */
  courseDir: string;
  report: BuildReport;
  /** The files of each target's zip. */
  packages: Partial<Record<TargetId, Map<string, Buffer>>>;
  /** The files of the first target's zip. */
  files: Map<string, Buffer>;
  /** The first module's launch page in the package, and the module data it embeds. */
  href: string;
  data: ModuleData;
  remove(): Promise<void>;
}

export async function buildExample(o: { prefix: string; targets: TargetId[]; yaml?: (yaml: string) => string }): Promise<BuiltExample> {
  const dir = await mkdtemp(join(tmpdir(), o.prefix));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    return await build(dir, remove, o);
  } catch (e) {
    await remove();
    throw e;
  }
}

async function build(dir: string, remove: () => Promise<void>, o: { targets: TargetId[]; yaml?: (yaml: string) => string }): Promise<BuiltExample> {
  let courseDir = EXAMPLE_COURSE;
  if (o.yaml) {
    courseDir = join(dir, 'course');
    await cp(EXAMPLE_COURSE, courseDir, { recursive: true });
    const file = join(courseDir, 'course.yaml');
    await writeFile(file, o.yaml(await readFile(file, 'utf8')));
  }
  const report = await buildCourse({ courseDir, outDir: join(dir, 'out'), targets: o.targets });
  const packages: BuiltExample['packages'] = {};
  for (const a of report.artifacts) packages[a.target] = filesFromZip(await readFile(a.path));
  const files = packages[o.targets[0]!]!;
  const href = `${report.modules[0]!.id}/index.html`;
  return {
    dir,
    courseDir,
    report,
    packages,
    files,
    href,
    data: moduleDataOf(files.get(href)!.toString('utf8')),
    remove,
  };
}
