// Markdown pages: split the YAML front matter from the body, and find what the
// body refers to (images, links to files, [[glossary]] terms, raw HTML) with line
// and column, using markdown-it's own parser so code spans and blocks are skipped.
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { memo } from './memo.ts';

export interface FrontMatterSplit {
  /** YAML text between the --- lines, or undefined when the page has none. */
  yaml?: string;
  /** Line (1-based) of the first front matter line. */
  yamlLine: number;
  body: string;
  /** Line (1-based) where the body starts. */
  bodyLine: number;
}

export function splitFrontMatter(text: string): FrontMatterSplit {
  const src = text.replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(src);
  if (!m) return { yamlLine: 1, body: src, bodyLine: 1 };
  const consumed = m[0];
  const bodyLine = consumed.split('\n').length + (consumed.endsWith('\n') ? 0 : 1);
  return { yaml: m[1] ?? '', yamlLine: 2, body: src.slice(consumed.length), bodyLine };
}

export interface Ref {
  kind: 'image' | 'link' | 'term' | 'html';
  /** Image/link target, term id, or the HTML snippet. */
  target: string;
  /** Image alt text; link text; shown text of a term. */
  text: string;
  /** Position in the body (1-based, relative to the body's first line). */
  line: number;
  column: number;
}

const md = new MarkdownIt({ html: true, linkify: false });
// Refs are only read by the loader, so the same array can be handed out again.
const scanned = memo<string, Ref[]>();

/** Every reference in a Markdown body, in document order. */
export function scanMarkdown(body: string): Ref[] {
  return scanned.get(body) ?? scanned.set(body, scanBody(body));
}

function scanBody(body: string): Ref[] {
  const lines = body.split('\n');
  const tokens = md.parse(body, {});
  const refs: Ref[] = [];
  // Table cells' inline tokens carry no line map: they use the row's. One finder per
  // line range so successive cells of a row are searched left to right.
  let lastMap: [number, number] = [0, lines.length];
  const finders = new Map<string, ReturnType<typeof makeFinder>>();
  for (const t of tokens) {
    if (t.map) lastMap = t.map;
    else if (t.type !== 'inline') continue;
    const map = lastMap;
    if (t.type === 'html_block') {
      const at = firstNonSpace(lines, map[0]);
      refs.push({ kind: 'html', target: t.content.trim().split('\n')[0] ?? '', text: '', ...at });
    }
    if (t.type !== 'inline' || !t.children) continue;
    const key = `${map[0]}:${map[1]}`;
    let finder = finders.get(key);
    if (!finder) finders.set(key, (finder = makeFinder(lines, map[0], map[1])));
    for (const c of walkInline(t.children)) {
      if (c.type === 'image') {
        const src = c.attrGet('src') ?? '';
        const raw = rawTarget(c) ?? src;
        const at = finder(`](${raw}`, 2) ?? finder(raw, 0);
        refs.push({ kind: 'image', target: raw, text: c.content, ...(at ?? { line: map[0] + 1, column: 1 }) });
      } else if (c.type === 'link_open') {
        const href = c.attrGet('href') ?? '';
        const raw = safeDecode(href);
        const at = finder(`](${raw}`, 2) ?? finder(raw, 0);
        refs.push({ kind: 'link', target: raw, text: '', ...(at ?? { line: map[0] + 1, column: 1 }) });
      } else if (c.type === 'html_inline') {
        const at = finder(c.content, 0);
        refs.push({ kind: 'html', target: c.content, text: '', ...(at ?? { line: map[0] + 1, column: 1 }) });
      } else if (c.type === 'text') {
        // Same reading as the renderer: the id follows the last '|', if any.
        for (const m of c.content.matchAll(/\[\[([^\[\]\n]+?)\]\]/g)) {
          const at = finder(m[0], 0);
          const inner = m[1]!;
          const bar = inner.lastIndexOf('|');
          const id = (bar >= 0 ? inner.slice(bar + 1) : inner).trim();
          const shown = (bar >= 0 ? inner.slice(0, bar) : inner).trim();
          refs.push({ kind: 'term', target: id, text: shown, ...(at ?? { line: map[0] + 1, column: 1 }) });
        }
      }
    }
  }
  return refs;
}

// markdown-it splits `[[a|b]]` across text tokens when it meets `[`; joining
// adjacent text tokens restores the term syntax before it is matched.
function* walkInline(children: Token[]): Generator<Token> {
  let pending: Token | undefined;
  for (const c of children) {
    if (c.type === 'text') {
      if (pending) pending = Object.assign(Object.create(Object.getPrototypeOf(pending)), pending, { content: pending.content + c.content });
      else pending = c;
      continue;
    }
    if (pending) yield pending;
    pending = undefined;
    // An image's children are its alt text, already in `content`: not descended into.
    yield c;
  }
  if (pending) yield pending;
}

// The destination as written (markdown-it normalises/encodes the src attribute).
function rawTarget(t: Token): string | undefined {
  const src = t.attrGet('src');
  return src ? safeDecode(src) : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

function firstNonSpace(lines: string[], index: number): { line: number; column: number } {
  const l = lines[index] ?? '';
  return { line: index + 1, column: l.length - l.trimStart().length + 1 };
}

/**
 * Finds successive occurrences of snippets within a block's lines, moving forward
 * so that the same image used twice in a paragraph gets two positions.
 */
function makeFinder(lines: string[], start: number, end: number) {
  let line = start;
  let col = 0;
  return (needle: string, shift: number): { line: number; column: number } | undefined => {
    if (!needle) return undefined;
    for (let l = line; l < end; l++) {
      const idx = (lines[l] ?? '').indexOf(needle, l === line ? col : 0);
      if (idx >= 0) {
        line = l;
        col = idx + needle.length;
        return { line: l + 1, column: idx + shift + 1 };
      }
    }
    return undefined;
  };
}
