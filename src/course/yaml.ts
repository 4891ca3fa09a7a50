// YAML with source positions. Every course file is parsed into a yaml Document
// (kept beside the plain data) so schema and reference errors found later can be
// reported at the line and column of the offending key or value.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { problem, type Problem } from '../errors.ts';
import { memo } from './memo.ts';

export interface Position {
  line: number;
  column: number;
}

export interface SourceYaml {
  /** File relative to the course folder (POSIX). */
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Added to every line number: front matter starts below the opening `---`. */
  lineOffset: number;
  data: unknown;
}

// The result is only ever read (every stage copies what it keeps), so it can be shared.
const parsed = memo<string, { source: SourceYaml; problems: Problem[] }>();

/** Parse one YAML text; syntax errors become COURSE_YAML problems with positions. */
export function parseYaml(
  text: string,
  file: string,
  lineOffset = 0,
): { source: SourceYaml; problems: Problem[] } {
  const key = `${file}\u0000${lineOffset}\u0000${text}`;
  const hit = parsed.get(key);
  if (hit) return { source: hit.source, problems: [...hit.problems] };
  const result = parseYamlText(text, file, lineOffset);
  parsed.set(key, result);
  return { source: result.source, problems: [...result.problems] };
}

function parseYamlText(text: string, file: string, lineOffset: number): { source: SourceYaml; problems: Problem[] } {
  const { doc, lines } = parseFull(text);
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    problems.push(
      problem('COURSE_YAML', yamlMessage(e.message), {
        file,
        line: (pos?.line ?? 1) + lineOffset,
        column: pos?.col ?? 1,
        hint: yamlHint(e.code, e.message),
      }),
    );
  }
  for (const w of doc.warnings) {
    const pos = w.linePos?.[0];
    problems.push(
      problem('COURSE_YAML', yamlMessage(w.message), {
        severity: 'warning',
        file,
        line: (pos?.line ?? 1) + lineOffset,
        column: pos?.col ?? 1,
      }),
    );
  }
  const data = problems.some((p) => p.severity === 'error') ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { source: { file, doc, lines, lineOffset, data }, problems };
}

function parseFull(text: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  // uniqueKeys: a repeated key is an error, not a silent override.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  return { doc, lines };
}

function yamlHint(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'Each key may appear only once in the same block; remove or rename the repeated one.';
  if (/nested mappings|implicit map keys|compact mappings/i.test(message))
    return 'Text that contains ": " must be quoted, e.g. title: "Page two: the sequel".';
  if (code === 'TAB_AS_INDENT' || /tab/i.test(message)) return 'Indent with spaces, not tabs.';
  return 'Check the indentation (spaces, not tabs), the colon after each key, closing brackets and quotes, and quote text that starts with a special character such as [ { * & ! | > % @ or `.';
}

// yaml's pretty errors append a code excerpt after the first line; keep the sentence.
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function posOf(src: SourceYaml, offset: number): Position {
  const p = src.lines.linePos(offset);
  return { line: p.line + src.lineOffset, column: p.col };
}

/** Path segments from an ajv instancePath ("/modules/0/title"). */
export function pointerSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Human field path: ["questions", 2, "choices"] → "questions[2].choices". */
export function fieldPath(segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

interface Located {
  node?: Node | null;
  key?: Node | null;
}

function walk(src: SourceYaml, segments: (string | number)[]): Located {
  let node: unknown = src.doc.contents;
  let key: Node | null | undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) return { node: node as Node, key };
      key = pair.key as Node;
      // `title:` with nothing after it has a null value node or none at all.
      node = pair.value ?? null;
      if (node === null) return { node: null, key };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return { node: node as Node, key };
      key = null;
      node = item;
    } else {
      return { node: node as Node, key };
    }
  }
  return { node: node as Node, key };
}

/**
 * Where to point for a field: the value (for wrong values), or the key (for
 * unknown keys and for fields that are missing inside a map).
 */
export function locate(src: SourceYaml, segments: (string | number)[], at: 'value' | 'key' = 'value'): Position {
  const { node, key } = walk(src, segments);
  const target = at === 'key' ? (key ?? node) : (node?.range ? node : key);
  const offset = target?.range?.[0];
  if (offset === undefined) return { line: 1 + src.lineOffset, column: 1 };
  return posOf(src, offset);
}

/** Position of the `index`-th item of a sequence at `segments` (for list entries). */
export function locateItem(src: SourceYaml, segments: (string | number)[], index: number): Position {
  return locate(src, [...segments, index]);
}
