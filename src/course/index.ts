// Public API of the course stage: load and validate a course folder into a Course.
export { loadCourse, DEFAULT_IRI_BASE } from './load.ts';
export { generateCourse, type GenerateOptions } from './generate.ts';
export { COURSE_CODES, type CourseCode } from './codes.ts';
export type * from './types.ts';
