// The broken-course corpus: every folder in test/fixtures/courses/ with an
// expected.json must fail to load with exactly the listed errors (file:line:column,
// code and field path), the listed warnings, and messages/hints that mention the
// given text. Folders named valid-* must load cleanly.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../../src/course/index.ts';
import { CoursepackError, formatProblem, type Problem } from '../../../src/errors.ts';

const FIXTURES = path.resolve('test/fixtures/courses');

interface Expected {
  description: string;
  errors: string[];
  warnings?: string[];
  mentions?: string[];
  /** Links the test creates (git does not carry them portably): course path → file outside the course. */
  symlinks?: Record<string, string>;
}

const where = (p: Problem) =>
  `${p.file ?? ''}${p.line ? `:${p.line}:${p.column}` : ''} ${p.code}${p.path ? ` ${p.path}` : ''}`;

const tmpRoots: string[] = [];
afterAll(async () => {
  await Promise.all(tmpRoots.map((d) => rm(d, { recursive: true, force: true })));
});

/** Copy a fixture to a temporary folder (so symlinks can be added without touching the repo). */
async function prepare(name: string, exp: Expected): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), `cp-fixture-${name}-`));
  tmpRoots.push(root);
  const dir = path.join(root, 'course');
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  await rm(path.join(dir, 'expected.json'), { force: true });
  for (const [link, outsideName] of Object.entries(exp.symlinks ?? {})) {
    const outside = path.join(root, 'outside', outsideName);
    await mkdir(path.dirname(outside), { recursive: true });
    if (!path.extname(outsideName)) {
      // A whole module folder outside the course.
      await mkdir(path.join(outside, 'pages'), { recursive: true });
      await writeFile(path.join(outside, 'module.yaml'), 'id: outside\ntitle: Outside\npages: [pages/a.md]\n');
      await writeFile(path.join(outside, 'pages/a.md'), '---\ntitle: A\n---\n\nText.\n');
    } else {
      await writeFile(outside, outsideName.endsWith('.md') ? '---\ntitle: Secret\n---\n\nSecret.\n' : '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    }
    await symlink(outside, path.join(dir, link));
  }
  return dir;
}

const names = (await readdir(FIXTURES)).sort();

describe('broken courses', () => {
  for (const name of names.filter((n) => existsSync(path.join(FIXTURES, n, 'expected.json')))) {
    it(`${name}: reports exactly the expected problems`, async () => {
      const exp: Expected = JSON.parse(await readFile(path.join(FIXTURES, name, 'expected.json'), 'utf8'));
      const dir = await prepare(name, exp);
      const err = await loadCourse(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, `${name} should fail: ${exp.description}`).toBeInstanceOf(CoursepackError);
      const problems = (err as CoursepackError).problems;
      expect(problems.filter((p) => p.severity === 'error').map(where)).toEqual(exp.errors);
      expect(problems.filter((p) => p.severity === 'warning').map(where)).toEqual(exp.warnings ?? []);
      const text = problems.map(formatProblem).join('\n');
      for (const m of exp.mentions ?? []) expect(text).toContain(m);
      // Every error can be acted on: it says where and what to do.
      for (const p of problems.filter((p) => p.severity === 'error')) {
        expect(p.file, formatProblem(p)).toBeTruthy();
        expect(p.file).not.toMatch(/^\/|\\/);
        expect(p.message.length).toBeGreaterThan(5);
        expect(p.hint, formatProblem(p)).toBeTruthy();
      }
    });
  }

  for (const name of names.filter((n) => n.startsWith('valid-'))) {
    it(`${name}: loads with no errors or warnings`, async () => {
      const { course, warnings } = await loadCourse(path.join(FIXTURES, name));
      expect(warnings).toEqual([]);
      expect(course.modules[0]!.pages.length).toBeGreaterThan(0);
    });
  }
});
