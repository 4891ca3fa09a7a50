// Identifiers that must be valid XML IDs (xsd:ID, i.e. NCName), stable across builds
// and derived only from the course id, version and module/page ids — never random,
// so an LMS re-importing a new build recognises the same organisation and SCOs.

/** Turns any string into an NCName-safe token (letters, digits, '.', '-', '_'). */
export function ncToken(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function manifestId(courseId: string, version: string): string {
  return `MANIFEST-${ncToken(courseId)}-${ncToken(version)}`;
}

export function organizationId(courseId: string, version: string): string {
  return `ORG-${ncToken(courseId)}-${ncToken(version)}`;
}

export function itemId(courseId: string, moduleId: string): string {
  return `ITEM-${ncToken(courseId)}-${ncToken(moduleId)}`;
}

export function resourceId(courseId: string, moduleId: string): string {
  return `RES-${ncToken(courseId)}-${ncToken(moduleId)}`;
}
