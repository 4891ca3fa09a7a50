// XSD validation of imsmanifest.xml (SCORM 1.2) and cmi5.xml with a WASM build of
// libxml2 (xmllint-wasm), so the verdict is the same libxml2 verdict on every
// machine without a native xmllint. xmllint's stderr is turned into Problems with
// the file, line, a readable message and a hint for the common mistakes.
import { readFile } from 'node:fs/promises';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';
import { CoursepackError, type Problem } from '../errors.ts';
import { issue, type ValidationCode } from './codes.ts';

export type SchemaName = 'scorm12' | 'cmi5';

interface SchemaSet {
  /** Entry schema passed to xmllint with --schema. */
  driver: string;
  /** Files the driver imports, by their path relative to schemas/ (the WASM file system mirrors it). */
  imports: string[];
  defaultFile: string;
  xsdCode: ValidationCode;
  wellFormedCode: ValidationCode;
}

const SETS: Record<SchemaName, SchemaSet> = {
  scorm12: {
    driver: 'scorm12-driver.xsd',
    imports: [
      'scorm12/imscp_rootv1p1p2.xsd',
      'scorm12/adlcp_rootv1p2.xsd',
      'scorm12/ims_xml.xsd',
      'scorm12/imsmd_rootv1p2p1.patched.xsd',
    ],
    defaultFile: 'imsmanifest.xml',
    xsdCode: 'MANIFEST_XSD',
    wellFormedCode: 'MANIFEST_NOT_WELL_FORMED',
  },
  cmi5: {
    driver: 'cmi5/CourseStructure.xsd',
    imports: [],
    defaultFile: 'cmi5.xml',
    xsdCode: 'CMI5_XSD',
    wellFormedCode: 'CMI5_NOT_WELL_FORMED',
  },
};

export const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);

// The schema files never change while the process runs; read them once.
const schemaCache = new Map<SchemaName, Promise<{ driver: XMLFileInfo; preload: XMLFileInfo[] }>>();

function loadSchemaSet(name: SchemaName) {
  let cached = schemaCache.get(name);
  if (!cached) {
    const set = SETS[name];
    const read = async (rel: string): Promise<XMLFileInfo> => ({
      fileName: rel,
      contents: await readFile(new URL(rel, SCHEMAS_DIR), 'utf8'),
    });
    cached = Promise.all([read(set.driver), ...set.imports.map(read)]).then(([driver, ...preload]) => ({ driver, preload }));
    // A failed read must not poison the cache for the rest of the process.
    cached.catch(() => schemaCache.delete(name));
    schemaCache.set(name, cached);
  }
  return cached;
}

/** Name of the instance inside the WASM file system; user file names may contain anything. */
const DOC = 'document.xml';

const NAMESPACES: Array<[RegExp, string]> = [
  [/\{http:\/\/www\.imsproject\.org\/xsd\/imscp_rootv1p1p2\}/g, ''],
  [/\{http:\/\/www\.adlnet\.org\/xsd\/adlcp_rootv1p2\}/g, 'adlcp:'],
  [/\{http:\/\/www\.imsglobal\.org\/xsd\/imsmd_rootv1p2p1\}/g, 'imsmd:'],
  [/\{https:\/\/w3id\.org\/xapi\/profiles\/cmi5\/v1\/CourseStructure\.xsd\}/g, ''],
];

/** libxml2 writes `{namespace-uri}local`; show the names the way the manifest spells them. */
function readable(message: string): string {
  let out = message.replace(/^(?:element \S+: )?Schemas validity (?:error|warning) : /, '');
  for (const [re, prefix] of NAMESPACES) out = out.replace(re, prefix);
  return out.trim();
}

const SCORM12_HINTS: Array<[RegExp, string]> = [
  [
    /No matching global declaration available for the validation root/,
    'The root element must be <manifest> in the IMS CP 1.1.2 namespace: xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2". A manifest in http://www.imsglobal.org/xsd/imscp_v1p1 is SCORM 2004, not 1.2.',
  ],
  [
    /not an element of the set \{'1\.2'\}/,
    'Write <schemaversion>1.2</schemaversion> exactly. Other values make Moodle load its SCORM 2004 player, which a SCORM 1.2 course cannot talk to.',
  ],
  [/not an element of the set \{'ADL SCORM'\}/, 'Write <schema>ADL SCORM</schema> exactly.'],
  [
    /not an element of the set \{'asset', 'sco'\}/,
    'adlcp:scormtype must be exactly "sco" or "asset" (lower case).',
  ],
  [
    /atomic type 'xs:ID'/,
    'Identifiers are xsd:ID values: start with a letter or underscore, then letters, digits, ".", "-" or "_"; no spaces or colons; each used once in the manifest.',
  ],
  [
    /atomic type 'xs:IDREF'|IDREF|references an unknown ID/,
    'organizations/@default must be the identifier of one of its <organization> elements.',
  ],
  [
    /demanded by the strict wildcard/,
    'SCORM 1.2 allows extension elements and attributes only from namespaces with a schema (imsmd, adlcp). Check the spelling (it is adlcp:scormtype, not adlcp:scormType) and the namespace URI, or remove the extension.',
  ],
  [
    /This element is not expected/,
    'Check the element name, its namespace and its position. IMS CP fixes the order: <manifest> holds metadata, organizations, resources; <item> holds title, child items, metadata, then adlcp: elements; <resource> holds metadata, files, dependencies. IMS CP elements take no prefix.',
  ],
  [/is required but missing/, 'Add the missing attribute.'],
  [
    /attribute '[^']+' is not allowed/,
    'Remove the attribute or fix its spelling. IMS CP attributes take no prefix; ADL attributes need the adlcp: prefix (adlcp:scormtype).',
  ],
  [/facet 'maxLength'/, 'Shorten the value: the SCORM 1.2 schema limits its length.'],
  [/atomic type 'xs:boolean'/, 'Use true or false.'],
  [/atomic type 'xs:anyURI'/, 'Percent-encode spaces and special characters in the path (e.g. %20 for a space).'],
  [/Missing child element/, 'Add the missing child element named in the message.'],
];

function hintFor(name: SchemaName, message: string): string | undefined {
  if (name !== 'scorm12') return undefined;
  return SCORM12_HINTS.find(([re]) => re.test(message))?.[1];
}

/** xmllint's stdin is UTF-8 here; a declaration naming another encoding would make libxml2 misread it. */
function asUtf8Declaration(xml: string): string {
  return xml.replace(/^(\uFEFF?\s*<\?xml[^?]*?\bencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');
}

// A record header: `file.xml:12: message`. Source excerpts and carets that follow
// parser errors never start with a file name ending .xml/.xsd and a line number.
const HEADER = /^([^\s:]+\.(?:xml|xsd)):(\d+): (.*)$/;
const HARMLESS_XML_NS = /xml namespace URI cannot be the default namespace/;

/**
 * Validate `xml` against the SCORM 1.2 CAM schemas (with inline IMS metadata) or the cmi5
 * course structure schema. Returns one Problem per libxml2 error, empty when valid.
 * Throws CoursepackError XSD_SCHEMA_BROKEN if coursepack's own schema set does not compile.
 */
export async function validateXsd(xml: string, schema: SchemaName, fileName?: string): Promise<Problem[]> {
  const set = SETS[schema];
  const file = fileName ?? set.defaultFile;
  const { driver, preload } = await loadSchemaSet(schema);

  let stderr: string;
  let failed: boolean;
  try {
    const result = await validateXML({ xml: { fileName: DOC, contents: asUtf8Declaration(xml) }, schema: driver, preload });
    stderr = result.rawOutput;
    failed = !result.valid;
  } catch (err) {
    // xmllint-wasm rejects on exit codes other than 0/3/4 (e.g. 1 parse error, 5 schema compile error).
    const e = err as Error & { code?: number };
    if (typeof e.code !== 'number') {
      // The WASM run itself failed (e.g. out of memory): never let that pass as "valid".
      return [issue(set.xsdCode, `libxml2 could not validate the document: ${e.message}`, { file })];
    }
    stderr = e.message;
    failed = true;
  }

  const problems: Problem[] = [];
  const schemaErrors: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = HEADER.exec(line);
    if (!m) {
      if (/failed to compile/.test(line)) schemaErrors.push(line.trim());
      continue;
    }
    const [, source, lineNo, text] = m;
    if (source !== DOC) {
      // An error inside a schema file: either the known harmless ims_xml.xsd warning or a broken schema set.
      if (/error/i.test(text) && !HARMLESS_XML_NS.test(text)) schemaErrors.push(line.trim());
      continue;
    }
    const wellFormed = !/Schemas validity/.test(text);
    const message = readable(wellFormed ? text.replace(/^(?:parser|namespace) error : /, '') : text);
    const extra: Partial<Problem> = { file, line: Number(lineNo) };
    if (/validity warning/.test(text)) extra.severity = 'warning';
    if (wellFormed) {
      problems.push(issue(set.wellFormedCode, message, extra));
    } else {
      const hint = hintFor(schema, message);
      problems.push(issue(set.xsdCode, message, hint ? { ...extra, hint } : extra));
    }
  }

  if (schemaErrors.length > 0) {
    throw new CoursepackError(
      issue('XSD_SCHEMA_BROKEN', `the ${schema} schema set did not compile: ${schemaErrors.join('; ')}`, {
        file: set.driver,
      }),
    );
  }
  if (failed && problems.length === 0) {
    // Never report "valid" when xmllint said otherwise, even if its output was not understood.
    problems.push(issue(set.xsdCode, `xmllint rejected the document: ${stderr.trim() || 'no message'}`, { file }));
  }
  return problems;
}
