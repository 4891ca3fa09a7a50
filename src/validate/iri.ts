// Absolute IRI test shared by the tincan.xml and cmi5.xml checks: xAPI and cmi5 ids
// must be fully qualified (a scheme, then something), never IRI references.
export function isAbsoluteIri(value: string | null | undefined): boolean {
  if (!value || /[\s<>"{}|\\^`]/.test(value)) return false;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^]/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
