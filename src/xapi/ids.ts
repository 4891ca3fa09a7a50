// xAPI activity ids for everything a learner can do in a coursepack module, derived
// only from the course IRI and authored ids so they are identical on every build and
// across targets (SCORM side channel, xAPI bundle, cmi5 AU). Extends the scheme of
// src/package/activity-ids.ts (course = iri, module = iri/modules/id) below the module.
// Browser-safe: no Node imports.

const seg = encodeURIComponent;

export function courseId(courseIri: string): string {
  return courseIri;
}

export function moduleId(courseIri: string, module: string): string {
  return `${courseIri}/modules/${seg(module)}`;
}

export function pageId(courseIri: string, module: string, page: string): string {
  return `${moduleId(courseIri, module)}/pages/${seg(page)}`;
}

/** A quiz or a reflection (both are module activities with authored ids). */
export function activityId(courseIri: string, module: string, activity: string): string {
  return `${moduleId(courseIri, module)}/activities/${seg(activity)}`;
}

export function questionId(courseIri: string, module: string, quiz: string, question: string): string {
  return `${activityId(courseIri, module, quiz)}/questions/${seg(question)}`;
}

export function glossaryTermId(courseIri: string, module: string, term: string): string {
  return `${moduleId(courseIri, module)}/glossary/${seg(term)}`;
}

export function printViewId(courseIri: string, module: string): string {
  return `${moduleId(courseIri, module)}/print`;
}

export function feedbackId(courseIri: string, module: string): string {
  return `${moduleId(courseIri, module)}/feedback`;
}
