// The build pipeline: load course → validate source → render each module → package
// per target → validate every package (XSD + rules) → only then zip and write.
// Nothing is written until every target has passed, and each artifact is written
// atomically, so a failed build leaves the previous output untouched.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadCourse } from '../course/load.ts';
import type { Course, LrsSettings } from '../course/types.ts';
import { checkEmbeddedCredentials } from './credentials.ts';
import { CoursepackError, problem, type Problem } from '../errors.ts';
import { renderModule, suspendDataWorstCase } from '../render/index.ts';
import { runtimeCss, runtimeJs } from '../render/bundle.ts';
import type { ModuleFiles } from './scorm12.ts';
import { TARGETS, type Target, type TargetId } from './targets.ts';
import { prepareXsd } from '../validate/xsd.ts';
import { sha256, writeFileAtomic, writeFolderAtomic, zipToBuffer, type PackageFiles } from './zip.ts';

export const SUSPEND_DATA_LIMIT = 4096;
export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas', import.meta.url));

export interface BuildOptions {
  courseDir: string;
  /** Output folder; when absent nothing is written (validation only). */
  outDir?: string;
  targets: TargetId[];
  onProgress?: (message: string) => void;
  /** The scorm12 xAPI side channel's LRS, instead of course.yaml's lrs (build --lrs-endpoint/--lrs-key). */
  lrs?: LrsSettings;
}

export interface Artifact {
  target: TargetId;
  path: string;
  bytes: number;
  sha256: string;
  /** Folder written beside the zip for targets that have one. */
  folder?: string;
}

export interface ModuleReport {
  id: string;
  title: string;
  pages: number;
  questions: number;
  suspendDataWorstCase: number;
}

export interface BuildReport {
  course: { id: string; title: string; version: string };
  modules: ModuleReport[];
  pages: number;
  questions: number;
  /** Files in the largest package. */
  files: number;
  suspendData: { worstCase: number; limit: number };
  artifacts: Artifact[];
  warnings: Problem[];
}

export interface PackagedCourse {
  course: Course;
  modules: ModuleReport[];
  /** Every target's package, checked, in memory (POSIX path → bytes). */
  packages: { target: TargetId; files: PackageFiles }[];
  /** Loader warnings and package-check warnings. */
  warnings: Problem[];
}

/**
 * The pipeline up to (not including) zipping: load, check the suspend_data budget,
 * render, package and validate every target, in memory. Throws CoursepackError with
 * every problem found. The preview uses this directly; buildCourse zips and writes.
 */
export async function packageCourse(opts: Omit<BuildOptions, 'outDir'>): Promise<PackagedCourse> {
  const progress = opts.onProgress ?? (() => {});
  // Start the XSD worker and compile the schemas now, on the other core, while the
  // course loads and renders; the package check later only validates.
  if (opts.targets.includes('scorm12')) prepareXsd('scorm12');
  // Likewise the runtime bundle (esbuild, in its own process): it does not depend on the
  // course. The renderer awaits the same memoised promises, and sees any error itself.
  Promise.all([runtimeJs(), runtimeCss()]).catch(() => {});
  if (opts.targets.includes('cmi5')) prepareXsd('cmi5');
  progress(`loading ${opts.courseDir}`);
  const { course, warnings } = await loadCourse(opts.courseDir);
  if (opts.lrs) course.lrs = opts.lrs;
  // The side channel's key ships in the scorm12 zip: ask the LRS what it can do first.
  if (course.lrs && opts.targets.includes('scorm12')) {
    progress(`checking the LRS key for the scorm12 side channel`);
    const found = await checkEmbeddedCredentials(course);
    if (found.some((p) => p.severity === 'error')) throw new CoursepackError([...found, ...warnings]);
    warnings.push(...found);
  } else if (course.lrs) delete course.lrs;

  const modules = course.modules.map((m) => ({
    id: m.id,
    title: m.title,
    pages: m.pages.length,
    questions: m.activities.reduce((n, a) => n + (a.kind === 'quiz' ? a.questions.length : 0), 0),
    suspendDataWorstCase: suspendDataWorstCase(course, m),
  }));
  const budget = modules
    .filter((m) => m.suspendDataWorstCase > SUSPEND_DATA_LIMIT)
    .map((m) =>
      problem(
        'SUSPEND_DATA_BUDGET',
        `module '${m.id}' needs up to ${m.suspendDataWorstCase} characters of suspend_data; SCORM 1.2 allows ${SUSPEND_DATA_LIMIT}`,
        {
          file: `${course.modules.find((x) => x.id === m.id)!.dir}/module.yaml`,
          hint: 'Split the module into smaller modules, or lower the maxLength of reflections and fill-in answers.',
        },
      ),
    );
  if (budget.length) throw new CoursepackError([...budget, ...warnings]);

  // Every module for every render target the targets need, all at once: a render spends
  // most of its wall time waiting for asset reads, so concurrent renders fill each other's
  // waits. Results keep module order.
  const renderTargets = [...new Set(opts.targets.map((id) => TARGETS[id].render))];
  for (const r of renderTargets) {
    for (const m of course.modules) progress(`rendering ${m.id} for ${r} (${m.pages.length} pages)`);
  }
  const renderOne = async (r: Target['render']): Promise<[string, ModuleFiles[]]> => [
    r,
    await Promise.all(course.modules.map(async (m) => ({ moduleId: m.id, files: await renderModule(course, m, { target: r }) }))),
  ];
  const rendered = new Map(await Promise.all(renderTargets.map(renderOne)));
  const packages: { target: TargetId; files: PackageFiles }[] = [];
  const problems: Problem[] = [];
  for (const id of opts.targets) {
    const target = TARGETS[id];
    const mods = rendered.get(target.render)!;
    progress(`packaging ${id}`);
    const files = target.files(course, mods, SCHEMA_DIR);
    progress(`validating ${id} package (${files.size} files)`);
    const found = await target.check(files);
    problems.push(...found.map((p) => ({ ...p, message: `[${id}] ${p.message}` })));
    packages.push({ target: id, files });
  }
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new CoursepackError([...problems, ...warnings]);
  return { course, modules, packages, warnings: [...warnings, ...problems.filter((p) => p.severity === 'warning')] };
}

export async function buildCourse(opts: BuildOptions): Promise<BuildReport> {
  const progress = opts.onProgress ?? (() => {});
  const { course, modules, packages, warnings } = await packageCourse(opts);

  const artifacts: Artifact[] = [];
  for (const { target: id, files } of packages) {
    const target = TARGETS[id];
    progress(`zipping ${id}`);
    const zip = zipToBuffer(files);
    const artifact: Artifact = { target: id, path: '', bytes: zip.length, sha256: sha256(zip) };
    if (opts.outDir) {
      artifact.path = join(opts.outDir, target.artifactName(course));
      await writeFileAtomic(artifact.path, zip);
      if (target.folder) {
        artifact.folder = artifact.path.replace(/\.zip$/, '');
        await writeFolderAtomic(artifact.folder, files);
      }
    } else {
      artifact.path = target.artifactName(course);
    }
    artifacts.push(artifact);
  }

  return {
    course: { id: course.id, title: course.title, version: course.version },
    modules,
    pages: modules.reduce((n, m) => n + m.pages, 0),
    questions: modules.reduce((n, m) => n + m.questions, 0),
    files: Math.max(0, ...packages.map((p) => p.files.size)),
    suspendData: { worstCase: Math.max(0, ...modules.map((m) => m.suspendDataWorstCase)), limit: SUSPEND_DATA_LIMIT },
    artifacts,
    warnings,
  };
}

export type { Course };
