// docs/course-format.md is the reference learning technologists read: it must list
// every problem code the loader can raise, and its examples must be real.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { COURSE_CODES } from '../../../src/course/index.ts';

describe('course format reference', () => {
  it('documents every problem code, and no code the loader does not have', async () => {
    const doc = await readFile('docs/course-format.md', 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `(COURSE_[A-Z_]+)` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(COURSE_CODES).sort());
  });

  it('names only codes from the catalogue in the loader source', async () => {
    const { readdir } = await import('node:fs/promises');
    const used = new Set<string>();
    for (const f of await readdir('src/course')) {
      if (!f.endsWith('.ts') || f === 'codes.ts') continue;
      const src = await readFile(`src/course/${f}`, 'utf8');
      for (const m of src.matchAll(/'(COURSE_[A-Z_]+)'/g)) used.add(m[1]!);
    }
    for (const code of used) expect(Object.keys(COURSE_CODES)).toContain(code);
  });
});
