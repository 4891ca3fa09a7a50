// The public library API: what the CLI itself uses.
export { buildCourse, type BuildOptions, type BuildReport, type Artifact } from './package/build.ts';
export { TARGET_IDS, TARGETS, type TargetId } from './package/targets.ts';
export { buildScorm12Manifest, scorm12PackageFiles } from './package/scorm12.ts';
export { zipToBuffer, sha256 } from './package/zip.ts';
export { loadCourse } from './course/load.ts';
export { renderModule, suspendDataWorstCase } from './render/index.ts';
export { CoursepackError, formatProblem, type Problem } from './errors.ts';
export type * from './course/types.ts';
export { createLrs, type LrsOptions, type Lrs } from './lrs/server.ts';
export { createKey } from './lrs/keys.ts';
export { startPreview } from './preview/server.ts';
