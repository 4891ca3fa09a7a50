// A fast path for the YAML most course files hold in their front matter: a few
// `key: value` lines whose values are plain text, true/false, or a one-line list of
// ids (`activities: [quiz-1, quiz-2]`). Parsing a thousand such two-line documents with
// the full YAML parser costs 120-330 ms in a fresh process (the parser has not been
// optimised by the JIT yet) and ~15 ms warm; this reads them in a few ms.
//
// It accepts only text for which it is certain to produce exactly the data the yaml
// package (YAML 1.2 core schema) produces with no errors or warnings, and declines
// (returns undefined) for anything else, which then goes through the full parser.
// test/unit/course/yaml-fast.test.ts checks both on many accepted and declined inputs.

const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
/**
 * Plain text: starts with a letter (so never a number, an indicator, or a quote),
 * ends without a space (YAML would trim it), and contains none of the characters that
 * could start a comment, a nested mapping, a flow collection or an escape.
 */
const PLAIN = /^\p{L}[\p{L}\p{N}\p{M} .,;!?'()/&*+=@$%_-]*$/u;
const ID = /^[a-z][a-z0-9-]*$/;
/** Words the core schema reads as booleans or null; anything else here is declined. */
const RESERVED = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);

type Value = string | boolean | string[];

function value(raw: string): Value | undefined {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw.startsWith('[')) {
    if (!raw.endsWith(']')) return undefined;
    const inner = raw.slice(1, -1).trim();
    if (inner === '') return [];
    const items = inner.split(',').map((s) => s.trim());
    return items.every((s) => ID.test(s) && !RESERVED.has(s)) ? items : undefined;
  }
  if (RESERVED.has(raw) || raw.endsWith(' ') || !PLAIN.test(raw)) return undefined;
  return raw;
}

/** The data of `text` when it is simple enough to be read without the YAML parser, else undefined. */
export function parseSimpleYaml(text: string): Record<string, Value> | undefined {
  if (text.length > 4096 || /[\r\t\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(text)) return undefined;
  const data: Record<string, Value> = {};
  let keys = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(': ');
    if (colon <= 0) return undefined;
    const key = line.slice(0, colon);
    if (!KEY.test(key) || RESERVED.has(key) || Object.prototype.hasOwnProperty.call(data, key)) return undefined;
    const v = value(line.slice(colon + 2));
    if (v === undefined) return undefined;
    data[key] = v;
    keys++;
  }
  return keys > 0 ? data : undefined;
}
