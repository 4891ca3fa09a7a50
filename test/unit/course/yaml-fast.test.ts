// The front matter fast path (src/course/yaml-fast.ts) must give exactly the data the
// yaml package gives, and only for text yaml reads without errors or warnings; for
// anything else it must decline so the full parser (with its messages) takes over.
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseSimpleYaml } from '../../../src/course/yaml-fast.ts';
import { parseYaml } from '../../../src/course/yaml.ts';

function full(text: string): { ok: boolean; data: unknown } {
  const doc = parseDocument(text, { uniqueKeys: true });
  return { ok: doc.errors.length === 0 && doc.warnings.length === 0, data: doc.toJS() };
}

/** The invariant: accepted → yaml agrees and is clean. Returns whether it was accepted. */
function agrees(text: string): boolean {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return false;
  const f = full(text);
  expect(f.ok, `yaml reports problems for accepted text ${JSON.stringify(text)}`).toBe(true);
  expect(fast, `data differs for ${JSON.stringify(text)}`).toEqual(f.data);
  return true;
}

describe('front matter fast path', () => {
  it('reads the usual page front matter exactly as the yaml package does', () => {
    for (const text of [
      'title: Page 12',
      'title: Page 12\nactivities: [quiz-0005]',
      'title: Why privacy matters\nid: why-privacy\nrequired: false',
      "title: It's a patient's right, isn't it?",
      'title: Café au lait (and crème brûlée)\nactivities: []',
      'title: Risk & reward / 2 + 2 = 4%\nactivities: [ a ,b-2 ]',
      'title: Yes\nid: on',
      'title: x\n\nrequired: true\n',
    ]) {
      expect(agrees(text), JSON.stringify(text)).toBe(true);
    }
  });

  it('declines what it cannot read with certainty, leaving it to the full parser', () => {
    for (const text of [
      '',
      'title: Part 1: the start',
      'title: x # comment',
      'title: 12',
      'title: 12 angry men',
      'title: null',
      'title: True',
      'required: yes please\nrequired: no',
      'title:',
      'title:  leading space',
      'title: trailing ',
      '  title: indented',
      'title : x',
      'title: "quoted"',
      "title: 'quoted'",
      'title: &anchor x',
      'title: [a, b',
      'activities: [quiz-1, 2]',
      'activities: [true]',
      'activities: [a,,b]',
      'activities: [Quiz-1]',
      'title: a\r\nid: b',
      'title:\tx',
      'title: {a: 1}',
      'title: x\n- y',
      '---',
      'title: x\ntitle: y',
      '__proto__: x',
      'true: x',
    ]) {
      expect(parseSimpleYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('agrees with yaml on thousands of generated lines, accepted or not', () => {
    // A fixed pseudo-random sequence: the test is the same on every run.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      // The low bits of this generator repeat quickly; use the high ones.
      return (seed >>> 12) % n;
    };
    const keys = ['title', 'id', 'required', 'activities', 'x', 'Title', 'a-b', 'a_b', 'null', 'k1'];
    const pieces = ['a', 'Z', 'é', '1', ' ', '  ', ',', '.', ':', ': ', '#', ' #', "'", '"', '[', ']', '{', '!', '&', '*', '-', '?', '%', '@', '|', '>', 'true', 'null', '~', 'x y', 'quiz-1', '\\', '/', '(', ')', '=', '+', '_'];
    const letters = ['a', 'Z', 'é', 'quiz', 'x y'];
    let accepted = 0;
    for (let n = 0; n < 4000; n++) {
      const lines: string[] = [];
      for (let l = 0, count = rnd(4) === 0 ? 2 : 1; l < count; l++) {
        // Mostly values that start like text, so that both sides of the fast path are exercised.
        let v = rnd(3) ? letters[rnd(letters.length)]! : '';
        for (let p = 0, len = rnd(5); p < len; p++) v += pieces[rnd(pieces.length)];
        if (rnd(5) === 0) v = `[${v}]`;
        lines.push(`${keys[rnd(keys.length)]}: ${v}`);
      }
      if (agrees(lines.join('\n'))) accepted++;
    }
    // The generator must exercise both sides of the fast path.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(4000);
  });

  it('still points at the right line and column when a fast-path file has a problem', () => {
    const { source, problems } = parseYaml('title: Page 3\nactivities: [quiz-9]', 'generated/pages/page-3.md', 1);
    expect(problems).toEqual([]);
    expect(source.data).toEqual({ title: 'Page 3', activities: ['quiz-9'] });
    // The document for positions is parsed on demand, from the same text.
    const item = (source.doc.get('activities', true) as { items: { range: [number] }[] }).items[0]!;
    expect(source.lines.linePos(item.range[0])).toEqual({ line: 2, col: 14 });
  });
});
