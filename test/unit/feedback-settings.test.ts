// course.yaml feedback destinations (xapi, webhook) and the scorm12 side channel (lrs):
// what the loader keeps, and what the schema refuses with a position and a hint.
import { cp, mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/course/index.ts';
import { CoursepackError, formatProblem } from '../../src/errors.ts';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((d) => rm(d, { recursive: true, force: true })));
});

async function courseWith(extra: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cp-fbset-'));
  roots.push(root);
  const dir = path.join(root, 'course');
  await cp('test/fixtures/courses/valid-minimal', dir, { recursive: true });
  const file = path.join(dir, 'course.yaml');
  await writeFile(file, (await readFile(file, 'utf8')) + extra);
  return dir;
}

async function problems(extra: string): Promise<string[]> {
  const err = await loadCourse(await courseWith(extra)).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CoursepackError);
  return (err as CoursepackError).problems.map(formatProblem);
}

describe('feedback destinations in course.yaml', () => {
  it('keeps xapi, the webhook url and its secret', async () => {
    const { course } = await loadCourse(
      await courseWith(
        'feedback:\n  xapi: true\n  scormComments: true\n  webhook:\n    url: https://hooks.example.org/coursepack\n    secret: 0123456789abcdef0123\n',
      ),
    );
    expect(course.feedback).toEqual({
      rating: false,
      scormComments: true,
      xapi: true,
      webhook: { url: 'https://hooks.example.org/coursepack', secret: '0123456789abcdef0123' },
    });
    expect(course.lrs).toBeUndefined();
  });

  it('allows an http webhook on 127.0.0.1 and localhost only', async () => {
    const ok = await loadCourse(await courseWith('feedback:\n  webhook:\n    url: http://127.0.0.1:8123/hook\n'));
    expect(ok.course.feedback.webhook).toEqual({ url: 'http://127.0.0.1:8123/hook' });
    const bad = await problems('feedback:\n  webhook:\n    url: http://hooks.example.org/hook\n');
    expect(bad.join('\n')).toMatch(/course\.yaml:\d+:\d+ +COURSE_SCHEMA +feedback\.webhook\.url: must be an https:\/\/ address/);
    const tricky = await problems('feedback:\n  webhook:\n    url: http://127.0.0.1.evil.example/hook\n');
    expect(tricky.join('\n')).toMatch(/feedback\.webhook\.url/);
  });

  it('refuses a short webhook secret', async () => {
    const bad = await problems('feedback:\n  webhook:\n    url: https://h.example.org/\n    secret: short\n');
    expect(bad.join('\n')).toMatch(/feedback\.webhook\.secret: must be at least 16 characters/);
  });
});

describe('lrs (scorm12 side channel) in course.yaml', () => {
  it('keeps endpoint, key, secret, homePage and allowEmbeddedCredentials (default false)', async () => {
    const { course } = await loadCourse(
      await courseWith('lrs:\n  endpoint: https://lrs.example.org/xapi/\n  key: cpk_1\n  secret: s3cret\n'),
    );
    expect(course.lrs).toEqual({ endpoint: 'https://lrs.example.org/xapi/', key: 'cpk_1', secret: 's3cret', allowEmbeddedCredentials: false });
  });

  it('refuses an endpoint without the trailing slash or over plain http to another host', async () => {
    const a = await problems('lrs:\n  endpoint: https://lrs.example.org/xapi\n  key: k\n  secret: s\n');
    expect(a.join('\n')).toMatch(/lrs\.endpoint: must be the LRS's xAPI endpoint/);
    const b = await problems('lrs:\n  endpoint: http://lrs.example.org/xapi/\n  key: k\n  secret: s\n');
    expect(b.join('\n')).toMatch(/lrs\.endpoint/);
  });
});
