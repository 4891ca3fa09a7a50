// The catalogue of every problem code the package validator raises: one place
// that names each rule, its default severity and what the user should do. The
// docs list this table; src/validate/* builds every Problem through `issue()`
// so a code can never be raised without a title and a hint.
import type { Problem, Severity } from '../errors.ts';

export interface CodeInfo {
  title: string;
  severity: Severity;
  hint: string;
}

const REZIP =
  'Zip the CONTENTS of the package folder (select the files, not the folder), e.g. `cd package && zip -r -X ../course.zip .`.';

export const CODES = {
  // ---- the zip itself (src/validate/zip.ts) ----
  ZIP_UNREADABLE: {
    title: 'The file is not a readable zip archive',
    severity: 'error',
    hint: 'The file is corrupted, truncated or not a zip (SCORM packages are plain .zip files). Download or export it again and check its size; re-create it with a standard zip tool.',
  },
  ZIP_EMPTY: {
    title: 'The zip contains no files',
    severity: 'error',
    hint: 'The archive holds nothing or only folders. Export the package again from the authoring tool. ' + REZIP,
  },
  ZIP_ENCRYPTED: {
    title: 'A zip entry is password-protected',
    severity: 'error',
    hint: 'LMSs cannot open encrypted zip entries. Re-create the zip without a password.',
  },
  ZIP_SLIP: {
    title: 'A zip entry would be written outside the package folder',
    severity: 'error',
    hint: 'The entry name is absolute, has a drive letter or climbs out with `..` ("zip slip"). Nothing was extracted. Do not upload this file; re-create the zip from the package folder with a standard zip tool.',
  },
  ZIP_DUPLICATE_ENTRY: {
    title: 'The zip holds the same path twice',
    severity: 'error',
    hint: 'Which copy an LMS extracts is undefined. Re-create the zip so each path occurs once.',
  },
  ZIP_TOO_LARGE: {
    title: 'A zip entry is too large to check',
    severity: 'error',
    hint: 'An entry would unpack to more than 1 GiB (or the package to more than 4 GiB). That is far beyond what an LMS accepts for a SCORM package and may be a "zip bomb". Stream large media from a media server instead of packaging it.',
  },
  ZIP_ENTRY_UNREADABLE: {
    title: 'A zip entry cannot be decompressed',
    severity: 'error',
    hint: 'The entry is damaged (bad checksum) or uses a compression method LMSs do not support. Re-create the zip with ordinary Deflate compression.',
  },

  // ---- finding the manifest ----
  PKG_MANIFEST_MISSING: {
    title: 'No imsmanifest.xml in the package',
    severity: 'error',
    hint: 'A SCORM package must have imsmanifest.xml at the root of the zip. If this is not a SCORM export (e.g. a plain web folder), export it again as SCORM 1.2.',
  },
  PKG_MANIFEST_IN_SUBFOLDER: {
    title: 'imsmanifest.xml is inside a folder, not at the zip root',
    severity: 'error',
    hint: 'This usually means the package FOLDER was zipped instead of its contents. Moodle rejects it: "An imsmanifest.xml file was found but it was not in the root of your zip file, please re-package your SCORM". ' + REZIP,
  },
  PKG_MANIFEST_CASE: {
    title: 'The manifest file name has the wrong letter case',
    severity: 'error',
    hint: 'LMSs look for exactly `imsmanifest.xml` (all lower case). Rename the file.',
  },
  PKG_MANIFEST_EMPTY: {
    title: 'imsmanifest.xml is empty',
    severity: 'error',
    hint: 'The manifest has zero bytes. Export the package again from the authoring tool.',
  },
  PKG_MANIFEST_ENCODING: {
    title: 'imsmanifest.xml is not valid UTF-8',
    severity: 'error',
    hint: 'Save the manifest as UTF-8 (Moodle parses it as UTF-8) and make the XML declaration say encoding="UTF-8".',
  },

  // ---- the manifest XML ----
  MANIFEST_NOT_WELL_FORMED: {
    title: 'imsmanifest.xml is not well-formed XML',
    severity: 'error',
    hint: 'Fix the XML syntax at the given line (unclosed or mismatched tags, an unescaped `&` or `<`, a stray character). Moodle stops the import with "XML error".',
  },
  MANIFEST_XSD: {
    title: 'imsmanifest.xml does not conform to the SCORM 1.2 schemas',
    severity: 'error',
    hint: 'Fix the element or attribute at the given line so it conforms to the SCORM 1.2 CAM schemas (imscp_rootv1p1p2.xsd, adlcp_rootv1p2.xsd, imsmd_rootv1p2p1.xsd).',
  },
  CMI5_NOT_WELL_FORMED: {
    title: 'cmi5.xml is not well-formed XML',
    severity: 'error',
    hint: 'Fix the XML syntax at the given line.',
  },
  CMI5_XSD: {
    title: 'cmi5.xml does not conform to the cmi5 CourseStructure.xsd',
    severity: 'error',
    hint: 'Fix the element or attribute at the given line so it conforms to the cmi5 course structure schema.',
  },
  CMI5_MISSING: {
    title: 'No cmi5.xml at the root of the cmi5 package',
    severity: 'error',
    hint: 'A cmi5 package must have the course structure, cmi5.xml, at the root of the zip; LMSs look for nothing else. ' + REZIP,
  },
  CMI5_NOT_IRI: {
    title: 'A course or AU id in cmi5.xml is not an absolute IRI',
    severity: 'error',
    hint: 'cmi5 requires fully qualified IRIs (cmi5 §2, requirement 2.0.0.0-1), e.g. https://example.org/courses/my-course. Set `iri` in course.yaml to an absolute http(s) IRI; module ids are appended to it.',
  },
  CMI5_DUPLICATE_ID: {
    title: 'Two AUs (or an AU and the course) share an id in cmi5.xml',
    severity: 'error',
    hint: 'LMSs refuse a course structure with a duplicated AU id (cmi5 13.1.4.0-1). Give every module a unique id.',
  },
  CMI5_AU_URL_MISSING: {
    title: 'An AU url names a file that is not in the package',
    severity: 'error',
    hint: 'Each <au><url> must be a relative path to a file in the zip (case-sensitive). Rebuild the package, or correct the url.',
  },
  CMI5_AU_URL_PARAM: {
    title: 'An AU url has a query parameter the LMS sets at launch',
    severity: 'error',
    hint: 'The names endpoint, fetch, actor, registration and activityId are the cmi5 launch parameters; an LMS rejects AU urls that already carry them (cmi5 8.1.0.0-6). Remove them from the url.',
  },
  TINCAN_MISSING: {
    title: 'No tincan.xml at the root of the xAPI package',
    severity: 'error',
    hint: 'An xAPI (Tin Can) package must have tincan.xml at the root of the zip; Rustici-based players (Blackboard among them) read nothing else. ' + REZIP,
  },
  TINCAN_NOT_WELL_FORMED: {
    title: 'tincan.xml is not well-formed XML',
    severity: 'error',
    hint: 'Fix the XML syntax at the given line.',
  },
  TINCAN_ROOT: {
    title: 'tincan.xml does not have a <tincan> root in the Tin Can namespace',
    severity: 'error',
    hint: 'The root element must be <tincan xmlns="http://projecttincan.com/tincan.xsd"> with an <activities> list; players ignore other documents.',
  },
  TINCAN_LAUNCH: {
    title: 'tincan.xml does not have exactly one launchable activity',
    severity: 'error',
    hint: 'Exactly one <activity> (normally the course, type http://adlnet.gov/expapi/activities/course) must have a <launch> element naming the launch page; players launch that one.',
  },
  TINCAN_LAUNCH_MISSING: {
    title: 'The launch file named in tincan.xml is not in the package',
    severity: 'error',
    hint: 'The <launch> path is relative to the zip root and case-sensitive. Rebuild the package, or correct the path.',
  },
  TINCAN_ACTIVITY_ID: {
    title: 'An activity id in tincan.xml is missing or not an absolute IRI',
    severity: 'error',
    hint: 'xAPI activity ids must be absolute IRIs (e.g. https://example.org/courses/my-course). Set `iri` in course.yaml to an absolute http(s) IRI.',
  },
  XSD_SCHEMA_BROKEN: {
    title: 'coursepack could not compile its own XSD set',
    severity: 'error',
    hint: 'This is a bug or a damaged installation of coursepack, not a problem with your package. Reinstall coursepack (npm ci) and report the message.',
  },
  PKG_ROOT_NAMESPACE: {
    title: 'The manifest is not an IMS Content Packaging 1.1.2 (SCORM 1.2) manifest',
    severity: 'error',
    hint: 'The root element must be <manifest> in the namespace http://www.imsproject.org/xsd/imscp_rootv1p1p2. A root in http://www.imsglobal.org/xsd/imscp_v1p1 is SCORM 2004: upload it as SCORM 2004 or export again as SCORM 1.2.',
  },
  PKG_IMSCP_PREFIX: {
    title: 'IMS CP elements carry a namespace prefix',
    severity: 'error',
    hint: 'Declare IMS CP as the default namespace (xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2") and write <manifest>, <item>, <resource>… without a prefix. Moodle reads tag names literally (MANIFEST, ITEM, RESOURCE), so prefixed elements are ignored and the package imports with no activities.',
  },
  PKG_ADLCP_PREFIX: {
    title: 'The ADL namespace is not bound to the prefix `adlcp`',
    severity: 'error',
    hint: 'Declare xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" and write adlcp:scormtype, adlcp:masteryscore… with exactly that prefix. XML allows any prefix, but Moodle does not parse namespaces: it upper-cases the literal attribute name and looks for ADLCP:SCORMTYPE. Under another prefix (e.g. adl:scormtype) the attribute is not found, every SCO silently becomes an asset, and nothing is tracked (no completion, no score).',
  },
  PKG_ADLCP_NAMESPACE: {
    title: 'The prefix `adlcp` is bound to the wrong namespace',
    severity: 'error',
    hint: 'In SCORM 1.2 write xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2". http://www.adlnet.org/xsd/adlcp_v1p3 is SCORM 2004: its attributes are not valid in a 1.2 manifest and schema validation fails.',
  },
  PKG_SCHEMA: {
    title: 'metadata/schema is not "ADL SCORM"',
    severity: 'error',
    hint: 'Put <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata> directly under <manifest>.',
  },
  PKG_SCHEMAVERSION: {
    title: 'metadata/schemaversion is not exactly "1.2"',
    severity: 'error',
    hint: 'A SCORM 1.2 manifest must say <schemaversion>1.2</schemaversion>. Moodle picks its player from this value: "1.3", "CAM 1.3" or "2004 …" load the SCORM 2004 player, whose API (API_1484_11) a SCORM 1.2 course cannot find, so nothing is tracked.',
  },
  PKG_NO_ORGANIZATION: {
    title: 'The manifest has no <organization>',
    severity: 'error',
    hint: 'Add one <organization> with an <item> per SCO under <organizations>; without it LMSs show no structure and may not launch the course.',
  },
  PKG_NO_DEFAULT_ORG: {
    title: 'organizations/@default does not name an organization',
    severity: 'error',
    hint: 'Set <organizations default="…"> to the identifier of one of its <organization> elements.',
  },
  PKG_DEFAULT_ORG_UNSET: {
    title: 'organizations has no default attribute',
    severity: 'warning',
    hint: 'Add default="ORG-ID" to <organizations>. Moodle then falls back to the first organization, other LMSs may refuse the package.',
  },
  PKG_NO_ITEMS: {
    title: 'The default organization has no items',
    severity: 'error',
    hint: 'Add an <item identifierref="…"> for each SCO to the default organization; otherwise there is nothing to launch.',
  },
  PKG_NO_LAUNCH: {
    title: 'Nothing in the default organization can be launched',
    severity: 'error',
    hint: 'At least one <item> must reference (identifierref) a <resource> that has an href, normally a SCO with adlcp:scormtype="sco".',
  },
  PKG_BAD_IDENTIFIERREF: {
    title: 'An identifierref does not match any resource',
    severity: 'error',
    hint: 'Set identifierref to the identifier of a <resource> in this manifest (identifiers are case-sensitive). Moodle warns that resources referenced in the manifest cannot be found, and the item launches nothing.',
  },
  PKG_DUPLICATE_ID: {
    title: 'An identifier is used more than once',
    severity: 'error',
    hint: 'Every identifier attribute (manifest, organization, item, resource) must be unique in the manifest; LMSs key SCOs and learner tracking data on them. Rename one of them.',
  },
  PKG_INVALID_ID: {
    title: 'An identifier is not a valid XML ID',
    severity: 'error',
    hint: 'Identifiers are xsd:ID values: start with a letter or underscore, then letters, digits, `.`, `-` or `_`; no spaces, no colons, not starting with a digit (e.g. `ITEM-1`, not `1 item`).',
  },
  PKG_ID_TOO_LONG: {
    title: 'An identifier is longer than 255 characters',
    severity: 'error',
    hint: 'Shorten it. XML allows any length, but Moodle stores manifest, organization and item identifiers in 255-character database columns (scorm_scoes), so the import fails with a database error.',
  },
  PKG_SCORMTYPE_MISSING: {
    title: 'A resource has no adlcp:scormtype',
    severity: 'error',
    hint: 'Add adlcp:scormtype="sco" (it talks to the LMS) or adlcp:scormtype="asset" (plain content) to every <resource>. Without it Moodle treats the resource as an asset and tracks nothing.',
  },
  PKG_SCORMTYPE_INVALID: {
    title: 'adlcp:scormtype is neither "sco" nor "asset"',
    severity: 'error',
    hint: 'Use exactly "sco" or "asset" (lower case). SCORM 2004\'s adlcp:scormType (capital T) is not read by SCORM 1.2 players.',
  },
  PKG_SCO_NO_HREF: {
    title: 'A SCO resource has no href',
    severity: 'error',
    hint: 'Give the SCO <resource> an href naming its launch page, e.g. href="index.html".',
  },
  PKG_SCO_NO_API: {
    title: 'No SCO in the package calls the SCORM 1.2 API',
    severity: 'warning',
    hint: 'A SCO must find the LMS\'s `API` object and call LMSInitialize, LMSSetValue and LMSFinish; otherwise the LMS shows the content but records no completion or score. Export the course again choosing SCORM 1.2 (not "web", not SCORM 2004), or mark resources that do not track as adlcp:scormtype="asset".',
  },
  PKG_LAUNCH_NOT_HTML: {
    title: 'A SCO launches a file that is not an HTML page',
    severity: 'warning',
    hint: 'A SCO is launched in a browser frame and must find the LMS API from JavaScript, so its href should be an .html/.htm page. Check the href points at the launch page, not at a video or PDF.',
  },
  PKG_EXTERNAL_HREF: {
    title: 'A resource points outside the package',
    severity: 'warning',
    hint: 'A SCO on another web site cannot reach the LMS API (browsers block cross-origin frames), and external content may not load for learners. Put the file in the package and reference it with a relative path.',
  },
  PKG_MISSING_FILE: {
    title: 'A file named in the manifest is not in the package',
    severity: 'error',
    hint: 'Add the file to the zip at this path (relative to the zip root, after xml:base), or correct the href. Paths are case-sensitive on the LMS server.',
  },
  PKG_CASE_MISMATCH: {
    title: 'An href matches a file only when letter case is ignored',
    severity: 'error',
    hint: 'Make the href and the file name use the same letter case. It works on Windows and macOS but Moodle and most LMS servers run on case-sensitive file systems, where the file is not found.',
  },
  PKG_BAD_DEPENDENCY: {
    title: 'A <dependency> does not match any resource',
    severity: 'error',
    hint: 'Set the dependency identifierref to the identifier of a <resource> in this manifest.',
  },
  PKG_UNLISTED_FILE: {
    title: 'A file in the package is not listed in the manifest',
    severity: 'warning',
    hint: 'List it as <file href="…"> in the resource that uses it (or in a shared asset resource). Moodle and Blackboard extract and serve every file in the zip, so the course still works, but SCORM 1.2 CAM expects resources to list their files and some LMSs and repositories copy only listed files.',
  },
  PKG_MASTERYSCORE: {
    title: 'adlcp:masteryscore is not a number from 0 to 100',
    severity: 'error',
    hint: 'Write the pass mark as a number 0–100, e.g. <adlcp:masteryscore>80</adlcp:masteryscore>, or leave the element out. The LMS compares cmi.core.score.raw with it to set passed/failed.',
  },
  PKG_NUMERIC_CHARREF: {
    title: 'The manifest uses a numeric character reference',
    severity: 'warning',
    hint: 'Write the character itself (the file is UTF-8) instead of &#…;. Before parsing, Moodle rewrites every `&` that is not followed by a name and `;` into `&amp;`, so `&#233;` shows up literally as "&#233;" in titles.',
  },

  // ---- paths in the package ----
  PKG_MACOSX: {
    title: 'The zip contains macOS metadata (__MACOSX/)',
    severity: 'error',
    hint: 'These are Finder resource forks, not course files. Re-create the zip without them, e.g. `zip -r -X course.zip . -x "__MACOSX/*" "*.DS_Store"` or `zip -d course.zip "__MACOSX/*"`.',
  },
  PKG_DOTFILE: {
    title: 'The zip contains a hidden file or folder',
    severity: 'error',
    hint: 'Remove hidden files (.DS_Store, .git/, .gitignore, Thumbs.db…) from the package: they are not course content, may leak private data, and some LMSs refuse them. E.g. `zip -d course.zip ".DS_Store" "*/.DS_Store"`.',
  },
  PKG_UNSAFE_PATH: {
    title: 'A path is absolute or climbs out of the package',
    severity: 'error',
    hint: 'Every path in the zip and every href must be relative to the package root and stay inside it: no leading `/`, no drive letter (C:), no `..` segments.',
  },
  PKG_BACKSLASH: {
    title: 'A path uses backslashes',
    severity: 'error',
    hint: 'Use forward slashes (`images/logo.png`). The zip was probably made by an old Windows tool: on the LMS server `images\\logo.png` becomes a single file name and every link to it breaks. Re-create the zip with a current tool.',
  },
  PKG_UNSAFE_FILENAME: {
    title: 'A file name contains characters that break URLs or file systems',
    severity: 'error',
    hint: 'Rename the file using letters, digits, `-`, `_` and `.` only. Characters such as # ? % : * " < > | and control characters break links in the browser or cannot be extracted on Windows servers.',
  },
  PKG_FILENAME_PORTABILITY: {
    title: 'A file name may not survive every LMS',
    severity: 'warning',
    hint: 'Prefer lower-case ASCII names without spaces (`my-page.html`): spaces and non-ASCII names must be percent-encoded in hrefs, and names differing only in case collide on Windows and macOS.',
  },
} as const satisfies Record<string, CodeInfo>;

export type ValidationCode = keyof typeof CODES;

/** A Problem for `code` with the catalogue's severity and hint (both can be overridden in `extra`). */
export function issue(code: ValidationCode, message: string, extra: Partial<Problem> = {}): Problem {
  const info: CodeInfo = CODES[code];
  return { code, severity: info.severity, message, hint: info.hint, ...extra };
}
