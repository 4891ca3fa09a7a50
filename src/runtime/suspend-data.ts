// suspend_data codec for SCORM 1.2 (CMIString4096). Pure: the runtime uses it in
// the browser and the build uses it in Node to compute the worst case before
// packaging. Layout-driven and delimiter-free: every field has a width known from
// the module's structure, so only learner text costs more than a few characters.
//
// Format (version 1): "1" + fingerprint(4) + "." + view index + visited-pages bitset
//   + answered-questions bitset + each answered question + saved-reflections bitset
//   + each saved reflection. Text fields are length-prefixed, never escaped.
// Data written for a different module structure (fingerprint) or version is ignored.
// Fill-in answers: a right answer is stored as the index of the accepted answer it
// matches, a wrong one as its first `keep` characters (see fillKeep), so many fill-in
// questions still fit the 4096 budget.
// Reflections are kept in full (up to their maxLength) so they follow the learner to
// any device; the worst case counts every reflection at maxLength, and the build
// fails with SUSPEND_DATA_BUDGET when a module's reflections cannot fit, telling the
// author to lower maxLength (the loader's default is 1000 characters).

import { normalise } from './cmi-format.ts';

export type QuestionLayout =
  | { t: 'single'; n: number }
  | { t: 'multi'; n: number }
  | { t: 'tf' }
  /** keep: characters kept of a wrong answer; answers: accepted answers (a right answer is stored as its index). */
  | { t: 'fill'; keep: number; answers: string[]; cs: boolean }
  | { t: 'match'; n: number };

export interface SuspendLayout {
  /** Number of views: pages first, then glossary/reading/feedback views. */
  views: number;
  pages: number;
  questions: QuestionLayout[];
  /** maxLength of each reflection, in module order. */
  reflections: number[];
  /** 4 characters identifying the module structure. */
  fp: string;
}

/** single: choice index; multi: sorted choice indices; tf: boolean; fill: text; match: target index per source or null. */
export type Answer = number | number[] | boolean | string | (number | null)[];

export interface LearnerState {
  view: number;
  visited: boolean[];
  answers: (Answer | undefined)[];
  reflections: (string | undefined)[];
}

const VERSION = '1';

/** Characters of a wrong fill-in answer kept: at least 32, always more than the longest accepted answer. */
export function fillKeep(maxLength: number, answers: string[]): number {
  const longest = answers.reduce((n, a) => Math.max(n, a.length), 0);
  return Math.min(maxLength, Math.max(32, longest + 1));
}

/** Fill-in text as stored: trimmed, inner whitespace collapsed. */
export const tidy = (s: string): string => s.trim().replace(/\s+/g, ' ');
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Characters needed to write any integer in 0..max in base 64. */
export function width(max: number): number {
  let w = 1;
  for (let cap = 64; cap <= max; cap *= 64) w++;
  return w;
}

function num(value: number, w: number): string {
  let s = '';
  for (let i = 0; i < w; i++) {
    s = B64[value % 64] + s;
    value = Math.floor(value / 64);
  }
  return s;
}

function bits(flags: boolean[], n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 6) {
    let v = 0;
    for (let b = 0; b < 6; b++) if (flags[i + b]) v |= 1 << b;
    s += B64[v];
  }
  return s;
}

/** FNV-1a over a description of the structure, as 4 base-64 characters. */
export function fingerprint(description: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < description.length; i++) {
    h ^= description.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return num(h & 0xffffff, 4);
}

/** Cut text to max UTF-16 units without leaving half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let s = text.slice(0, max);
  const last = s.charCodeAt(s.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) s = s.slice(0, -1);
  return s;
}

function text(value: string, max: number): string {
  const s = clip(value, max);
  return num(s.length, width(max)) + s;
}

function encodeAnswer(q: QuestionLayout, a: Answer): string {
  switch (q.t) {
    case 'single':
      return num(a as number, width(q.n - 1));
    case 'multi': {
      const flags: boolean[] = [];
      for (const i of a as number[]) flags[i] = true;
      return bits(flags, q.n);
    }
    case 'tf':
      return a ? 't' : 'f';
    case 'fill': {
      const k = q.answers.findIndex((ok) => normalise(ok, q.cs) === normalise(a as string, q.cs));
      return k >= 0 ? num(k + 1, width(q.answers.length)) : num(0, width(q.answers.length)) + text(tidy(a as string), q.keep);
    }
    case 'match':
      return (a as (number | null)[]).map((t) => num(t === null ? q.n : t, width(q.n))).join('');
  }
}

export function encodeSuspendData(layout: SuspendLayout, state: LearnerState): string {
  let s = VERSION + layout.fp + '.' + num(state.view, width(layout.views - 1));
  s += bits(state.visited, layout.pages);
  s += bits(layout.questions.map((_, i) => state.answers[i] !== undefined), layout.questions.length);
  layout.questions.forEach((q, i) => {
    const a = state.answers[i];
    if (a !== undefined) s += encodeAnswer(q, a);
  });
  s += bits(layout.reflections.map((_, i) => state.reflections[i] !== undefined), layout.reflections.length);
  layout.reflections.forEach((max, i) => {
    const r = state.reflections[i];
    if (r !== undefined) s += text(r, max);
  });
  return s;
}

/** Longest string encodeSuspendData can return for this layout. */
export function worstCaseLength(layout: SuspendLayout): number {
  let n = VERSION.length + 4 + 1 + width(layout.views - 1);
  n += Math.ceil(layout.pages / 6) + Math.ceil(layout.questions.length / 6) + Math.ceil(layout.reflections.length / 6);
  for (const q of layout.questions) {
    if (q.t === 'single') n += width(q.n - 1);
    else if (q.t === 'multi') n += Math.ceil(q.n / 6);
    else if (q.t === 'tf') n += 1;
    else if (q.t === 'fill') n += width(q.answers.length) + width(q.keep) + q.keep;
    else n += q.n * width(q.n);
  }
  for (const max of layout.reflections) n += width(max) + max;
  return n;
}

class Corrupt extends Error {}

/** Parse suspend_data; null when it is empty, corrupt, from another version or another module structure. */
export function decodeSuspendData(layout: SuspendLayout, data: string): LearnerState | null {
  if (typeof data !== 'string' || !data.startsWith(VERSION + layout.fp + '.')) return null;
  let pos = VERSION.length + 5;
  const take = (n: number): string => {
    if (pos + n > data.length) throw new Corrupt();
    const s = data.slice(pos, pos + n);
    pos += n;
    return s;
  };
  const readNum = (w: number, max: number): number => {
    let v = 0;
    for (const ch of take(w)) {
      const d = B64.indexOf(ch);
      if (d < 0) throw new Corrupt();
      v = v * 64 + d;
    }
    if (v > max) throw new Corrupt();
    return v;
  };
  const readBits = (n: number): boolean[] => {
    const out: boolean[] = [];
    for (let i = 0; i < n; i += 6) {
      const v = readNum(1, 63);
      for (let b = 0; b < 6 && i + b < n; b++) out.push((v & (1 << b)) !== 0);
    }
    return out;
  };
  const readText = (max: number): string => take(readNum(width(max), max));
  try {
    const view = readNum(width(layout.views - 1), layout.views - 1);
    const visited = readBits(layout.pages);
    const answered = readBits(layout.questions.length);
    const answers: (Answer | undefined)[] = layout.questions.map((q, i) => {
      if (!answered[i]) return undefined;
      switch (q.t) {
        case 'single':
          return readNum(width(q.n - 1), q.n - 1);
        case 'multi':
          return readBits(q.n).map((on, k) => (on ? k : -1)).filter((k) => k >= 0);
        case 'tf': {
          const c = take(1);
          if (c !== 't' && c !== 'f') throw new Corrupt();
          return c === 't';
        }
        case 'fill': {
          const k = readNum(width(q.answers.length), q.answers.length);
          return k > 0 ? q.answers[k - 1] : readText(q.keep);
        }
        case 'match': {
          const out: (number | null)[] = [];
          for (let k = 0; k < q.n; k++) {
            const t = readNum(width(q.n), q.n);
            out.push(t === q.n ? null : t);
          }
          return out;
        }
      }
    });
    const saved = readBits(layout.reflections.length);
    const reflections = layout.reflections.map((max, i) => (saved[i] ? readText(max) : undefined));
    if (pos !== data.length) return null;
    return { view, visited, answers, reflections };
  } catch (e) {
    if (e instanceof Corrupt) return null;
    throw e;
  }
}
