// Schema validation of course source files (schemas/*.schema.json, ajv 8) with
// errors turned into human wording at source positions. ajv runs with allErrors so
// an author sees every problem of a file at once.
//
// Compiled once per process, and the compiled code is kept between processes: ajv's
// standalone code for the six schemas is written to node_modules/.cache/coursepack/
// under a name that hashes everything it depends on (schema texts, ajv and ajv-formats
// versions, options), and later processes require() that file instead of loading ajv
// and compiling. In a fresh process that is ~10 ms instead of ~180-330 ms (loading ajv
// and ajv-formats, then compiling). No build product is committed: the cache is made on
// first use, and if it cannot be written (read-only install) every run compiles.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { problem, type Problem } from '../errors.ts';
import { fieldPath, locate, pointerSegments, type SourceYaml } from './yaml.ts';
import { closest, didYouMean } from './suggest.ts';

export type SchemaKind = 'course' | 'module' | 'page' | 'activities' | 'glossary' | 'reading';

const KINDS: SchemaKind[] = ['course', 'module', 'page', 'activities', 'glossary', 'reading'];
const schemaDir = new URL('../../schemas/', import.meta.url);
export const SCHEMA_CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/coursepack/', import.meta.url));
const OPTIONS = { allErrors: true, verbose: true, discriminator: true, strict: true } as const;
const FORMATS = ['email', 'uri'];
/** Our annotations: the wording and hint shown when a pattern/format fails. */
const VOCABULARY = ['x-message', 'x-hint'];
/** Bump when the way the cached code is made changes. */
const CACHE_FORMAT = 1;

// ajv, ajv-formats and the generated code are CommonJS, loaded synchronously and only when needed.
const require = createRequire(import.meta.url);

let validators: Map<SchemaKind, ValidateFunction> | undefined;

const idOf = (k: SchemaKind) => `https://coursepack.example/schemas/${k}.schema.json`;

function compile(): Map<SchemaKind, ValidateFunction> {
  const texts = KINDS.map((k) => readFileSync(new URL(`${k}.schema.json`, schemaDir), 'utf8'));
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        CACHE_FORMAT,
        (require('ajv/package.json') as { version: string }).version,
        (require('ajv-formats/package.json') as { version: string }).version,
        OPTIONS,
        FORMATS,
        VOCABULARY,
        texts,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
  const cached = `${SCHEMA_CACHE_DIR}ajv-${key}.cjs`;
  try {
    const mod = require(cached) as Record<SchemaKind, ValidateFunction>;
    if (KINDS.every((k) => typeof mod[k] === 'function')) return new Map(KINDS.map((k) => [k, mod[k]]));
  } catch {
    // Not there yet (or unreadable): compile below.
  }

  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const addFormats = require('ajv-formats') as (a: Ajv, f: string[]) => void;
  const standaloneCode = require('ajv/dist/standalone') as (a: Ajv, refs: Record<string, string>) => string;
  const ajv = new AjvClass({ ...OPTIONS, code: { source: true } });
  addFormats(ajv, FORMATS);
  ajv.addVocabulary(VOCABULARY);
  for (const text of texts) ajv.addSchema(JSON.parse(text));
  const map = new Map<SchemaKind, ValidateFunction>();
  for (const k of KINDS) map.set(k, ajv.getSchema(idOf(k))!);
  saveStandalone(cached, () => standaloneCode(ajv, Object.fromEntries(KINDS.map((k) => [k, idOf(k)]))));
  return map;
}

/** Write the standalone module beside its final name, then rename: readers never see half a file. */
function saveStandalone(path: string, code: () => string): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(SCHEMA_CACHE_DIR, { recursive: true });
    writeFileSync(tmp, code());
    renameSync(tmp, path);
    // Code for earlier versions of the schemas is never used again.
    for (const name of readdirSync(SCHEMA_CACHE_DIR)) {
      if (/^ajv-[0-9a-f]{32}\.cjs$/.test(name) && `${SCHEMA_CACHE_DIR}${name}` !== path) rmSync(`${SCHEMA_CACHE_DIR}${name}`, { force: true });
    }
  } catch {
    // A cache that cannot be written only costs time.
    rmSync(tmp, { force: true });
  }
}

// Verdicts per parsed file (parseYaml hands out the same SourceYaml for the same text).
const verdicts = new WeakMap<SourceYaml, Map<SchemaKind, Problem[]>>();

/** Validate parsed YAML data against one of the schemas; [] when valid. */
export function validateSchema(kind: SchemaKind, src: SourceYaml, data: unknown = src.data): Problem[] {
  const cacheable = data === src.data;
  const known = cacheable ? verdicts.get(src)?.get(kind) : undefined;
  if (known) return [...known];
  validators ??= compile();
  const validate = validators.get(kind)!;
  const problems = validate(data) ? [] : humanise(validate.errors ?? [], src, kind);
  if (cacheable) {
    let byKind = verdicts.get(src);
    if (!byKind) verdicts.set(src, (byKind = new Map()));
    byKind.set(kind, problems);
  }
  return [...problems];
}

/** What the top of each file looks like, for hints on empty or wrongly shaped files. */
const FILE_SHAPE: Record<SchemaKind, string> = {
  course: 'course.yaml is a set of fields starting e.g. with "id: my-course" and "title: …"',
  module: 'module.yaml is a set of fields: id, title, description and pages (a list of Markdown files)',
  page: 'the front matter is a set of fields such as "title: …", "id: …", "required: true"',
  activities: 'activities.yaml starts with "activities:" followed by a list of reflections and quizzes',
  glossary: 'glossary.yaml starts with "terms:" followed by a list of id/term/definition entries',
  reading: 'reading.yaml starts with "reading:" followed by a list of title/citation/url/note entries',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a set of fields (key: value)',
  null: 'empty',
};

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a set of fields';
  if (typeof value === 'string') return `text "${value.length > 30 ? value.slice(0, 30) + '…' : value}"`;
  return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
}

const TYPE_HINTS: Record<string, string> = {
  string: 'Write it as text after the colon, e.g. title: My course.',
  number: 'Write a plain number without quotes or a % sign, e.g. 80.',
  integer: 'Write a whole number without quotes, e.g. 1000.',
  boolean: 'Write true or false (without quotes).',
  array: 'Write a list: one item per line, each starting with "- ", or [a, b] on one line.',
  object: 'Write the fields on the following lines, indented under this key.',
};

/** Something to do for every schema error that has no more specific hint. */
function defaultHint(e: ErrorObject, schema: Record<string, unknown>): string {
  const range = () => {
    const lo = schema.minimum ?? schema.exclusiveMinimum;
    const hi = schema.maximum ?? schema.exclusiveMaximum;
    return lo !== undefined && hi !== undefined ? `Use a value from ${lo} to ${hi}.` : 'Change the value to fit the limit.';
  };
  switch (e.keyword) {
    case 'type':
      return TYPE_HINTS[String((e.params as { type: string }).type).split(',')[0]!] ?? 'Check the value.';
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return range();
    case 'minLength':
      return 'Write the text here, or remove the key if the field is optional.';
    case 'maxLength':
      return 'Shorten the text.';
    case 'minItems':
      return 'Add the missing items to the list.';
    case 'maxItems':
      return 'Remove items from the list, or split the question in two.';
    case 'uniqueItems':
      return 'Remove the repeated item.';
    case 'enum':
    case 'const':
      return 'Use one of the allowed values, spelt exactly as shown.';
    case 'format':
      return 'Check the value for typing mistakes.';
    default:
      return 'See docs/course-format.md for what this field accepts.';
  }
}

function humanise(errors: ErrorObject[], src: SourceYaml, kind: SchemaKind): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  // A misspelt required key shows up twice (unknown 'feeback', missing 'feedback');
  // the unknown-key error with its "Did you mean" says it all.
  const misspelt = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const known = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
    const guess = closest((e.params as { additionalProperty: string }).additionalProperty, known);
    if (guess) misspelt.add(`${e.instancePath}/${guess}`);
  }
  for (const e of errors) {
    if (e.keyword === 'required' && misspelt.has(`${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`)) continue;
    const segs = pointerSegments(e.instancePath);
    const schema = (e.parentSchema ?? {}) as Record<string, unknown>;
    const customHint = typeof schema['x-hint'] === 'string' ? (schema['x-hint'] as string) : undefined;
    let segments = segs;
    let at: 'value' | 'key' = 'value';
    let message: string;
    let hint = customHint;
    switch (e.keyword) {
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        segments = [...segs, missing];
        at = 'key';
        message = 'is required';
        hint ??= `Add '${missing}:' here.`;
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        segments = [...segs, extra];
        at = 'key';
        message = 'unknown field';
        const known = Object.keys((schema.properties as object) ?? {}).filter((k) => k !== '$schema');
        hint = didYouMean(extra, known) ?? `Allowed fields here: ${known.join(', ')}.`;
        break;
      }
      case 'type': {
        const t = String((e.params as { type: string }).type);
        message = `must be ${t.split(',').map((x) => TYPE_WORDS[x] ?? x).join(' or ')}, not ${describe(e.data)}`;
        if (t === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean'))
          hint ??= 'Put the value in quotes so YAML reads it as text.';
        if (segs.length === 0) hint = `The file is empty or not a set of fields: ${FILE_SHAPE[kind]}.`;
        break;
      }
      case 'maximum':
        message = `must be ≤ ${(e.params as { limit: number }).limit}`;
        break;
      case 'minimum':
        message = `must be ≥ ${(e.params as { limit: number }).limit}`;
        break;
      case 'exclusiveMaximum':
        message = `must be < ${(e.params as { limit: number }).limit}`;
        break;
      case 'exclusiveMinimum':
        message = `must be > ${(e.params as { limit: number }).limit}`;
        break;
      case 'minLength': {
        const n = (e.params as { limit: number }).limit;
        message = n === 1 ? 'must not be empty' : `must be at least ${n} characters long`;
        break;
      }
      case 'maxLength':
        message = `must be at most ${(e.params as { limit: number }).limit} characters long`;
        break;
      case 'minItems': {
        const n = (e.params as { limit: number }).limit;
        message = `must list at least ${n} item${n === 1 ? '' : 's'}`;
        break;
      }
      case 'maxItems': {
        const n = (e.params as { limit: number }).limit;
        message = `must list at most ${n} item${n === 1 ? '' : 's'}`;
        break;
      }
      case 'uniqueItems': {
        const { i, j } = e.params as { i: number; j: number };
        segments = [...segs, i];
        message = `lists the same value twice (items ${j + 1} and ${i + 1})`;
        break;
      }
      case 'pattern':
      case 'format':
        message =
          typeof schema['x-message'] === 'string'
            ? (schema['x-message'] as string)
            : e.keyword === 'format'
              ? `must be a valid ${(e.params as { format: string }).format}`
              : `must match ${(e.params as { pattern: string }).pattern}`;
        break;
      case 'enum':
        message = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
        break;
      case 'const':
        message = `must be ${String((e.params as { allowedValue: unknown }).allowedValue)}`;
        break;
      case 'discriminator': {
        const { tag, tagValue } = e.params as { tag: string; tagValue: unknown };
        const options = ((schema.oneOf as { properties: Record<string, { const: string }> }[]) ?? []).map(
          (b) => b.properties[tag]?.const,
        );
        segments = [...segs, tag];
        if (tagValue === undefined) {
          at = 'key';
          segments = segs;
          message = `needs '${tag}:' (one of: ${options.join(', ')})`;
        } else {
          message = `must be one of: ${options.join(', ')}`;
          hint = didYouMean(String(tagValue), options) ?? hint;
        }
        break;
      }
      case 'oneOf':
        // With a discriminator the branch's own errors are already reported.
        continue;
      default:
        message = e.message ?? 'is not valid';
    }
    hint ??= defaultHint(e, schema);
    const pos = locate(src, segments, at);
    const path = fieldPath(segments);
    const key = `${pos.line}:${pos.column}:${path}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem('COURSE_SCHEMA', message, { file: src.file, line: pos.line, column: pos.column, path, hint }));
  }
  return out;
}
