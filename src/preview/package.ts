// The build as the preview needs it: buildCourse's stages up to the zip, for one
// target, with the package files kept in memory.
import type { Course } from '../course/types.ts';
import type { Problem } from '../errors.ts';
import { packageCourse } from '../package/build.ts';
import type { TargetId } from '../package/targets.ts';
import type { PackageFiles } from '../package/zip.ts';

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
  const { course, packages, warnings } = await packageCourse({ courseDir, targets: [targetId], onProgress });
  return { course, target: targetId, files: packages[0].files, warnings };
}
