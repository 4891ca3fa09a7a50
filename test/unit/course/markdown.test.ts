// Finding references in page bodies: positions must point at the reference itself
// wherever Markdown allows it (tables, lists, quotes, headings), and code is not
// mistaken for references.
import { describe, expect, it } from 'vitest';
import { scanMarkdown, splitFrontMatter } from '../../../src/course/markdown.ts';

const list = (body: string) => scanMarkdown(body).map((r) => `${r.kind} ${r.target} "${r.text}" ${r.line}:${r.column}`);

describe('scanMarkdown', () => {
  it('finds terms, images and links in tables, quotes, lists and headings, with positions', () => {
    const body = [
      '| A | B |',
      '|---|---|',
      '| [[t1]] | x ![alt](assets/a.svg) |',
      '',
      '> quote [[t2]]',
      '',
      '1. item',
      '   - nested [[shown|t3]] and [[a|b|t4]]',
      '',
      '# Heading [[t5]]',
      '',
      'A [handout](assets/h.pdf) and ![](assets/a.svg).',
    ].join('\n');
    expect(list(body)).toEqual([
      'term t1 "t1" 3:3',
      'image assets/a.svg "alt" 3:21',
      'term t2 "t2" 5:9',
      'term t3 "shown" 8:13',
      'term t4 "a|b" 8:30',
      'term t5 "t5" 10:11',
      'link assets/h.pdf "" 12:13',
      'image assets/a.svg "" 12:35',
    ]);
  });

  it('ignores code spans and fenced code, and reports raw HTML', () => {
    const body = ['Use `[[not-a-term]]` here.', '', '```', '[[nor-this]] <b>', '```', '', 'Some <em>html</em>.'].join('\n');
    expect(list(body)).toEqual(['html <em> "" 7:6', 'html </em> "" 7:14']);
  });

  it('gives the same image twice two positions', () => {
    expect(list('![a](assets/x.png) and ![a](assets/x.png)')).toEqual([
      'image assets/x.png "a" 1:6',
      'image assets/x.png "a" 1:29',
    ]);
  });
});

describe('splitFrontMatter', () => {
  it('separates front matter and reports where the body starts', () => {
    expect(splitFrontMatter('---\ntitle: A\n---\n\nBody\n')).toEqual({ yaml: 'title: A', yamlLine: 2, body: '\nBody\n', bodyLine: 4 });
    expect(splitFrontMatter('---\r\ntitle: A\r\n---\r\nBody')).toMatchObject({ yaml: 'title: A', bodyLine: 4, body: 'Body' });
    expect(splitFrontMatter('---\n---\nBody')).toEqual({ yaml: '', yamlLine: 2, body: 'Body', bodyLine: 3 });
    expect(splitFrontMatter('---\ntitle: A\n---')).toEqual({ yaml: 'title: A', yamlLine: 2, body: '', bodyLine: 4 });
    expect(splitFrontMatter('# No front matter\n')).toEqual({ yamlLine: 1, body: '# No front matter\n', bodyLine: 1 });
  });
});
