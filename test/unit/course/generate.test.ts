// generateCourse writes courses in the documented format; the benchmark relies on
// them loading cleanly at every size it uses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCourse, loadCourse } from '../../../src/course/index.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('generateCourse', () => {
  for (const pages of [10, 100, 1000]) {
    it(`writes a valid ${pages}-page course with images and a question every five pages`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'cp-gen-'));
      dirs.push(dir);
      const { questions } = await generateCourse(path.join(dir, 'c'), { pages, questionEvery: 5, images: true });
      const { course, warnings } = await loadCourse(path.join(dir, 'c'));
      expect(warnings).toEqual([]);
      const mod = course.modules[0]!;
      expect(mod.pages).toHaveLength(pages);
      expect(mod.assets).toHaveLength(pages);
      expect(questions).toBe(pages / 5);
      const qs = mod.activities.flatMap((a) => (a.kind === 'quiz' ? a.questions : []));
      expect(qs).toHaveLength(pages / 5);
      expect(new Set(qs.map((q) => q.type)).size).toBe(Math.min(5, pages / 5));
    });
  }

  it('writes a course without images or questions when not asked for', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cp-gen-'));
    dirs.push(dir);
    await generateCourse(dir, { pages: 3 });
    const { course } = await loadCourse(dir);
    expect(course.modules[0]!.assets).toEqual([]);
    expect(course.modules[0]!.activities).toEqual([]);
    expect(course.passMark).toBeUndefined();
  });
});
