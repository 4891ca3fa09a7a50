// xAPI/cmi5 activity ids, derived from the course IRI and the authored ids only, so
// they are the same on every build and across targets (a statement from the SCORM
// side channel and one from the cmi5 AU name the same page).
import type { Course, Module } from '../course/types.ts';

export function courseActivityId(course: Course): string {
  return course.iri;
}

export function moduleActivityId(course: Course, module: Module): string {
  return `${course.iri}/modules/${encodeURIComponent(module.id)}`;
}
