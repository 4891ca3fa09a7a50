// XSD validation of imsmanifest.xml (SCORM 1.2) and cmi5.xml with a WASM build of
// libxml2 (libxml2-wasm), so the verdict is the same libxml2 verdict on every
// machine without a native xmllint. libxml2 runs in one worker thread per process
// (xsd-worker.mjs, which says why) that compiles each schema set once and keeps it:
// compiling the SCORM 1.2 set costs ~45 ms, validating a 1000-page manifest with it a
// few ms, where a fresh xmllint run per call (xmllint-wasm) cost 230-650 ms.
// libxml2's structured errors become Problems with the file, line, a readable
// message and a hint for the common mistakes.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { CoursepackError, type Problem } from '../errors.ts';
import { issue, type ValidationCode } from './codes.ts';

export type SchemaName = 'scorm12' | 'cmi5';

interface SchemaSet {
  /** Entry schema; its imports are resolved relative to it, inside the worker's in-memory schema store. */
  driver: string;
  /** Files the driver imports, by their path relative to schemas/. */
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

/** One libxml2 diagnostic as the worker sends it (libxml2 levels: 1 warning, 2 error, 3 fatal). */
interface Detail {
  message: string;
  level: number;
  line: number;
  file?: string;
}

interface Reply {
  id: number;
  ok?: true;
  stage?: 'parse' | 'validate' | 'compile' | 'crash';
  details?: Detail[];
  message?: string;
}

// ---------------------------------------------------------------- the worker

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

function startWorker(): Worker {
  // execArgv []: the worker runs plain JavaScript and needs no TypeScript loader.
  const w = new Worker(new URL('./xsd-worker.mjs', import.meta.url), { execArgv: [] });
  // An idle worker must not keep the process alive; it is ref'd while a request waits.
  w.unref();
  w.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (pending.size === 0) w.unref();
    p.resolve(r);
  });
  const fail = (err: Error) => {
    if (worker === w) {
      worker = undefined;
      compiledSets.clear();
    }
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the XSD worker stopped (exit code ${code})`)));
  return w;
}

function call(message: Record<string, unknown>): Promise<Reply> {
  const w = (worker ??= startWorker());
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, ...message });
  });
}

// ---------------------------------------------------------------- schema sets

// Compiled once per process; a failed compile must not poison the cache.
const compiledSets = new Map<SchemaName, Promise<void>>();

function compiled(name: SchemaName): Promise<void> {
  let cached = compiledSets.get(name);
  if (!cached) {
    cached = compileSet(name);
    cached.catch(() => {
      if (compiledSets.get(name) === cached) compiledSets.delete(name);
    });
    compiledSets.set(name, cached);
  }
  return cached;
}

async function compileSet(name: SchemaName): Promise<void> {
  const set = SETS[name];
  const rels = [set.driver, ...set.imports];
  const texts = await Promise.all(rels.map((rel) => readFile(new URL(rel, SCHEMAS_DIR))));
  const files = Object.fromEntries(rels.map((rel, i) => [rel, new Uint8Array(texts[i]!)]));
  const r = await call({ op: 'compile', name, driver: set.driver, files });
  if (r.ok) return;
  const details = (r.details ?? [])
    .filter((d) => d.level >= 2 && !HARMLESS_XML_NS.test(d.message))
    .map((d) => `${(d.file ?? '').replace(/^coursepack-schemas:\//, '')}:${d.line}: ${d.message.trim()}`);
  throw new CoursepackError(
    issue('XSD_SCHEMA_BROKEN', `the ${name} schema set did not compile: ${details.join('; ') || r.message || 'no message'}`, {
      file: set.driver,
    }),
  );
}

/**
 * Start the worker and compile a schema set ahead of the first validation, so the
 * compile overlaps with other work (the build calls this before loading the course).
 * Problems surface later, from validateXsd.
 */
export function prepareXsd(name: SchemaName): void {
  compiled(name).catch(() => {});
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

/** The text handed to libxml2 is UTF-8; a declaration naming another encoding would make it misread it. */
function asUtf8Declaration(xml: string): string {
  return xml.replace(/^(\uFEFF?\s*<\?xml[^?]*?\bencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');
}

const HARMLESS_XML_NS = /xml namespace URI cannot be the default namespace/;

/**
 * Validate `xml` against the SCORM 1.2 CAM schemas (with inline IMS metadata) or the cmi5
 * course structure schema. Returns one Problem per libxml2 error, empty when valid.
 * Throws CoursepackError XSD_SCHEMA_BROKEN if coursepack's own schema set does not compile.
 */
export async function validateXsd(xml: string, schema: SchemaName, fileName?: string): Promise<Problem[]> {
  const set = SETS[schema];
  const file = fileName ?? set.defaultFile;
  let r = await run(xml, schema);
  if (r.stage === 'compile') {
    // The worker was restarted between compile and validate: compile again, once.
    compiledSets.delete(schema);
    r = await run(xml, schema);
  }
  if (r.ok) return [];
  const details = (r.details ?? []).filter((d) => r.stage !== 'parse' || d.level >= 2);
  if (details.length === 0) {
    // The WASM run itself failed (e.g. out of memory), or said "invalid" without a reason: never "valid".
    return [issue(set.xsdCode, `libxml2 could not validate the document: ${r.message || 'no message'}`, { file })];
  }
  if (r.stage === 'parse') return details.map((d) => issue(set.wellFormedCode, readable(d.message), at(file, d)));
  return details.map((d) => {
    const message = readable(d.message);
    const extra = at(file, d);
    if (d.level === 1) extra.severity = 'warning';
    const hint = hintFor(schema, message);
    return issue(set.xsdCode, message, hint ? { ...extra, hint } : extra);
  });
}

async function run(xml: string, schema: SchemaName): Promise<Reply> {
  await compiled(schema);
  try {
    return await call({ op: 'validate', name: schema, xml: asUtf8Declaration(xml), url: DOC });
  } catch (err) {
    return { id: 0, stage: 'crash', message: (err as Error).message };
  }
}

function at(file: string, d: Detail): Partial<Problem> {
  return d.line > 0 ? { file, line: d.line } : { file };
}
