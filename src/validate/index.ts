// The validation stage's public entry points: XSD validation, the SCORM 1.2
// package rules, the zip reader, and the one-call check of a zip on disk that
// `coursepack validate x.zip` needs.
import type { Problem } from '../errors.ts';
import { checkScorm12Package } from './scorm12.ts';
import { checkCmi5Package } from './cmi5.ts';
import { checkTincanPackage } from './tincan.ts';
import { readZip } from './zip.ts';

export { CODES, issue, type CodeInfo, type ValidationCode } from './codes.ts';
export { validateXsd, type SchemaName } from './xsd.ts';
export { checkScorm12Package } from './scorm12.ts';
export { readZip, type ZipContents } from './zip.ts';

/** Same code, file, line and message: the zip reader and the package rules both saw it. */
export function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\u0000${p.file ?? ''}\u0000${p.line ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Read a SCORM 1.2 zip and check it the way an LMS will: zip-level problems first,
 * then the package rules on whatever could be read. Never throws for a bad zip.
 */
export async function validateScorm12Zip(path: string): Promise<Problem[]> {
  const { files, problems } = await readZip(path);
  if (files.size === 0) return problems;
  // A cmi5 or Tin Can package (cmi5.xml / tincan.xml at the root, no SCORM manifest) gets its own checks.
  const check = files.has('imsmanifest.xml')
    ? checkScorm12Package
    : files.has('cmi5.xml')
      ? checkCmi5Package
      : files.has('tincan.xml')
        ? async (f: Map<string, Buffer>) => checkTincanPackage(f)
        : checkScorm12Package;
  return dedupeProblems([...problems, ...(await check(files))]);
}
