// The build as the preview needs it: the same stages as buildCourse (load → budget
// check → render → package → validate) composed from the exported pieces, but the
// package files are returned in memory instead of being zipped and written. A
// candidate for folding into src/package/build.ts (buildCourse could call this).
import { loadCourse } from '../course/load.ts';
import type { Course } from '../course/types.ts';
import { CoursepackError, problem, type Problem } from '../errors.ts';
import { SCHEMA_DIR, SUSPEND_DATA_LIMIT } from '../package/build.ts';
import type { ModuleFiles } from '../package/scorm12.ts';
import { TARGETS, type TargetId } from '../package/targets.ts';
import type { PackageFiles } from '../package/zip.ts';
import { renderModule, suspendDataWorstCase } from '../render/index.ts';

export interface PackageInMemory {
  course: Course;
  target: TargetId;
  /** Package path (POSIX, relative to the package root) → content. */
  files: PackageFiles;
  /** Warnings from the loader and the package checks. */
  warnings: Problem[];
}

/**
 * Builds one target's package without writing anything. Throws CoursepackError with
 * every problem found, exactly as buildCourse would for the same course.
 */
export async function buildPackageFiles(
  courseDir: string,
  targetId: TargetId,
  onProgress: (message: string) => void = () => {},
): Promise<PackageInMemory> {
  onProgress(`loading ${courseDir}`);
  const { course, warnings } = await loadCourse(courseDir);

  // Same refusal as buildCourse: a module whose suspend_data could overflow SCORM 1.2.
  const budget = course.modules
    .map((m) => ({ m, worst: suspendDataWorstCase(course, m) }))
    .filter(({ worst }) => worst > SUSPEND_DATA_LIMIT)
    .map(({ m, worst }) =>
      problem('SUSPEND_DATA_BUDGET', `module '${m.id}' needs up to ${worst} characters of suspend_data; SCORM 1.2 allows ${SUSPEND_DATA_LIMIT}`, {
        file: `${m.dir}/module.yaml`,
        hint: 'Split the module into smaller modules, or lower the maxLength of reflections and fill-in answers.',
      }),
    );
  if (budget.length) throw new CoursepackError([...budget, ...warnings]);

  const target = TARGETS[targetId];
  const modules: ModuleFiles[] = [];
  for (const m of course.modules) {
    onProgress(`rendering ${m.id} for ${target.render} (${m.pages.length} pages)`);
    modules.push({ moduleId: m.id, files: await renderModule(course, m, { target: target.render }) });
  }
  onProgress(`packaging ${targetId}`);
  const files = target.files(course, modules, SCHEMA_DIR);
  onProgress(`validating ${targetId} package (${files.size} files)`);
  const found = (await target.check(files)).map((p) => ({ ...p, message: `[${targetId}] ${p.message}` }));
  if (found.some((p) => p.severity === 'error')) throw new CoursepackError([...found, ...warnings]);
  return { course, target: targetId, files, warnings: [...warnings, ...found] };
}
