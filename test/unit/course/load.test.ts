// Loader behaviour beyond the fixture corpus: defaults filled into the typed
// Course, path handling (symlinks inside the course, CRLF, BOM), message wording.
import { cp, mkdir, mkdtemp, rm, symlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../../src/course/index.ts';
import type { FillInQuestion, MatchingQuestion, Quiz, Reflection } from '../../../src/course/types.ts';
import { CoursepackError, formatProblem } from '../../../src/errors.ts';
import { closest } from '../../../src/course/suggest.ts';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((d) => rm(d, { recursive: true, force: true })));
});

/** A copy of the valid-minimal fixture with some files replaced (null deletes). */
async function makeCourse(changes: Record<string, string | null | ((s: string) => string)> = {}): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cp-load-'));
  roots.push(root);
  const dir = path.join(root, 'course');
  await cp('test/fixtures/courses/valid-minimal', dir, { recursive: true });
  for (const [file, change] of Object.entries(changes)) {
    const p = path.join(dir, file);
    if (change === null) await rm(p);
    else {
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, typeof change === 'function' ? change(await readFile(p, 'utf8')) : change);
    }
  }
  return dir;
}

async function problemsOf(dir: string) {
  const err = await loadCourse(dir).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CoursepackError);
  return (err as CoursepackError).problems;
}

const QUIZ = `activities:
  - kind: reflection
    id: think
    title: Think
    prompt: What do you think?
  - kind: quiz
    id: quiz
    title: Quiz
    questions:
      - id: fill
        type: fill-in
        prompt: Type yes.
        answers: ["yes", "y"]
        feedback: { correct: Yes., incorrect: No. }
      - id: match
        type: matching
        prompt: Match.
        pairs:
          - { source: One, target: Uno }
          - { source: Two, target: Dos }
        weighting: 2
        feedback: { correct: Yes., incorrect: No. }
`;

describe('loadCourse', () => {
  it('fills documented defaults into the typed course', async () => {
    const { course } = await loadCourse(await makeCourse({ 'm1/activities.yaml': QUIZ }));
    expect(course.iri).toBe('https://coursepack.example/courses/mini');
    expect(course.completion).toBe('all-required-pages');
    expect(course.feedback).toEqual({ rating: false, scormComments: false, xapi: false });
    const mod = course.modules[0]!;
    expect(mod.dir).toBe('m1');
    expect(mod.pages.map((p) => [p.id, p.required, p.file, p.bodyLine])).toEqual([
      ['one', true, 'm1/pages/one.md', 5],
      ['two', true, 'm1/pages/two.md', 7],
    ]);
    const reflection = mod.activities[0] as Reflection;
    expect(reflection.maxLength).toBe(1000);
    const quiz = mod.activities[1] as Quiz;
    expect(quiz.scored).toBe(true);
    const fill = quiz.questions[0] as FillInQuestion;
    expect(fill).toMatchObject({ caseSensitive: false, maxLength: 100, weighting: 1, answers: ['yes', 'y'] });
    const match = quiz.questions[1] as MatchingQuestion;
    expect(match.weighting).toBe(2);
    expect(match.pairs).toEqual([
      { source: { id: '1', text: 'One' }, target: { id: 'a', text: 'Uno' } },
      { source: { id: '2', text: 'Two' }, target: { id: 'b', text: 'Dos' } },
    ]);
    expect(mod.assets).toEqual([
      { path: 'assets/pic.svg', source: expect.stringMatching(/m1[\\/]assets[\\/]pic\.svg$/), bytes: expect.any(Number) },
    ]);
  });

  it('keeps an explicit iri and optional settings', async () => {
    const { course } = await loadCourse(
      await makeCourse({
        'course.yaml': (s) =>
          s + 'iri: https://learn.example.ac.uk/courses/mini\ncompletion: all-pages\nfeedback:\n  email: a@example.org\n  rating: true\n',
        'm1/pages/two.md': (s) => s.replace('id: two', 'id: two\nrequired: false'),
      }),
    );
    expect(course.iri).toBe('https://learn.example.ac.uk/courses/mini');
    expect(course.completion).toBe('all-pages');
    expect(course.feedback).toEqual({ email: 'a@example.org', rating: true, scormComments: false, xapi: false });
    expect(course.modules[0]!.pages[1]!.required).toBe(false);
  });

  it('prints problems in the file:line:col  CODE  path: message form', async () => {
    const problems = await problemsOf(await makeCourse({ 'course.yaml': (s) => s.replace('passMark: 80', 'passMark: 120') }));
    expect(formatProblem(problems[0]!)).toBe('course.yaml:9:11  COURSE_SCHEMA  passMark: must be ≤ 100\n    hint: Use a value from 0 to 100.');
  });

  it('accepts a symbolic link to a file inside the course, and a course folder reached through a link', async () => {
    const dir = await makeCourse({ 'm1/pages/two.md': (s) => s + '\n![The same picture](assets/alias.svg)\n' });
    await symlink(path.join(dir, 'm1/assets/pic.svg'), path.join(dir, 'm1/assets/alias.svg'));
    const viaLink = path.join(path.dirname(dir), 'linked-course');
    await symlink(dir, viaLink);
    const { course: c, warnings } = await loadCourse(viaLink);
    expect(warnings).toEqual([]);
    expect(c.modules[0]!.assets.map((a) => a.path)).toEqual(['assets/alias.svg', 'assets/pic.svg']);
  });

  it('reports positions correctly in files with Windows line endings and a byte order mark', async () => {
    const dir = await makeCourse({
      'course.yaml': (s) => '\uFEFF' + s.replace('passMark: 80', 'passMark: -5').replace(/\n/g, '\r\n'),
      'm1/pages/one.md': (s) => '\uFEFF' + s.replace('[[term-a]]', '[[term-x]]').replace(/\n/g, '\r\n'),
    });
    const problems = await problemsOf(dir);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code}`)).toEqual([
      'course.yaml:9:11 COURSE_SCHEMA',
      'm1/pages/one.md:8:17 COURSE_UNRESOLVED_TERM',
    ]);
  });

  it('explains an activity without a kind and an unknown question type', async () => {
    const problems = await problemsOf(
      await makeCourse({
        'm1/activities.yaml': (s) => s.replace('  - kind: reflection\n', '  -\n').replace('type: single-choice', 'type: single-choise'),
      }),
    );
    const text = problems.map(formatProblem).join('\n');
    expect(text).toContain("activities[0]: needs 'kind:' (one of: reflection, quiz)");
    expect(text).toContain("Did you mean 'single-choice'?");
  });

  it('rejects asset names that break in packages and ignores dotfiles', async () => {
    const dir = await makeCourse({
      'm1/assets/my picture.png': 'x',
      'm1/assets/.DS_Store': 'x',
      'm1/pages/two.md': (s) => s + '\n[Picture](<assets/my picture.png>)\n',
    });
    const problems = await problemsOf(dir);
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.file} ${p.code}`)).toEqual([
      'm1/assets/my picture.png COURSE_ASSET_NAME',
    ]);
    expect(problems.filter((p) => p.severity === 'warning')).toEqual([]);
  });

  it('treats HTML comments as raw HTML and allows links to web pages and anchors', async () => {
    const problems = await problemsOf(
      await makeCourse({
        'm1/pages/two.md': (s) => s + '\n<!-- note to self -->\n\nSee [the site](https://example.org) and [above](#top); a < b.\n',
      }),
    );
    expect(problems.map((p) => `${p.line}:${p.column} ${p.code}`)).toEqual(['10:1 COURSE_RAW_HTML']);
  });

  it('needs an id in front matter when the file name is not a valid id', async () => {
    const dir = await makeCourse({
      'm1/module.yaml': (s) => s.replace('pages/two.md', 'pages/Page Two.md'),
      'm1/pages/two.md': null,
      'm1/pages/Page Two.md': '---\ntitle: Two\nactivities: [quiz]\n---\n\nText.\n',
    });
    const problems = await problemsOf(dir);
    expect(problems.map((p) => `${p.file}:${p.line} ${p.code} ${p.path}`)).toEqual(['m1/pages/Page Two.md:2 COURSE_SCHEMA id']);
  });

  it('fails with COURSE_NOT_FOUND for a missing folder or course.yaml', async () => {
    const missing = await loadCourse('/nonexistent/course').catch((e: CoursepackError) => e.code);
    expect(missing).toBe('COURSE_NOT_FOUND');
    const noYaml = await problemsOf(await makeCourse({ 'course.yaml': null }));
    expect(noYaml.map((p) => `${p.file} ${p.code}`)).toEqual(['course.yaml COURSE_NOT_FOUND']);
  });
});

describe('did-you-mean', () => {
  it('suggests close names and stays quiet for unrelated ones', () => {
    expect(closest('pasMark', ['passMark', 'modules'])).toBe('passMark');
    expect(closest('titel', ['title', 'id'])).toBe('title');
    expect(closest('colour', ['passMark', 'modules'])).toBeUndefined();
  });
});
