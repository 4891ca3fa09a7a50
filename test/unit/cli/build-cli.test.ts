import { beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../../helpers/cli.ts';

const hash = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

describe('coursepack build (real CLI on the example course)', () => {
  let work: string;
  let first: any;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cp-cli-'));
    await cp(join(ROOT, 'course'), join(work, 'course'), { recursive: true });
    const r = runCli(['build', join(work, 'course'), '--out', join(work, 'out'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    first = JSON.parse(r.stdout);
  });

  it('writes one zip per target and reports each with its real size and sha256', async () => {
    expect(first.ok).toBe(true);
    expect(first.artifacts.map((a: any) => a.target).sort()).toEqual(['cmi5', 'scorm12', 'web', 'xapi']);
    for (const a of first.artifacts) {
      expect(a.bytes).toBe((await stat(a.path)).size);
      expect(a.sha256).toBe(await hash(a.path));
    }
    expect(first.pages).toBeGreaterThanOrEqual(6);
    expect(first.questions).toBeGreaterThanOrEqual(5);
    expect(first.suspendData.limit).toBe(4096);
    expect(first.suspendData.worstCase).toBeGreaterThan(0);
    expect(first.suspendData.worstCase).toBeLessThanOrEqual(4096);
    expect(first.errors).toEqual([]);
  });

  it('rebuilds byte-identical zips from the same source', () => {
    const r = runCli(['build', join(work, 'course'), '--out', join(work, 'out2'), '--json']);
    expect(r.code).toBe(0);
    const again = JSON.parse(r.stdout);
    const byTarget = (x: any) => Object.fromEntries(x.artifacts.map((a: any) => [a.target, a.sha256]));
    expect(byTarget(again)).toEqual(byTarget(first));
  });

  it('prints one line per artifact (path, size, sha256) and the suspend_data budget in human mode', () => {
    const r = runCli(['build', join(work, 'course'), '--out', join(work, 'out3'), '--target', 'scorm12']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => /-scorm12\.zip\s+[\d.]+ (B|KiB|MiB)\s+sha256:[0-9a-f]{64}$/.test(l))).toHaveLength(1);
    expect(r.stdout).toMatch(/suspend_data worst case: \d+ of 4096 characters/);
    expect(r.stderr).toMatch(/validating scorm12 package/);
  });

  it('fails with exit 1 and file:line on a broken course, leaving the previous output untouched', async () => {
    const broken = join(work, 'broken');
    await cp(join(work, 'course'), broken, { recursive: true });
    const yaml = await readFile(join(broken, 'course.yaml'), 'utf8');
    await writeFile(join(broken, 'course.yaml'), yaml.replace(/^passMark:.*$/m, 'passMark: 180'));
    const out = join(work, 'out');
    const before = await Promise.all(first.artifacts.map((a: any) => hash(a.path)));
    const listing = (await readdir(out)).sort();

    const r = runCli(['build', broken, '--out', out, '--json']);
    expect(r.code).toBe(1);
    const res = JSON.parse(r.stdout);
    expect(res.ok).toBe(false);
    const err = res.errors.find((e: any) => e.path === 'passMark');
    expect(err).toMatchObject({ file: 'course.yaml', code: 'COURSE_SCHEMA' });
    expect(err.line).toBe(yaml.split('\n').findIndex((l) => l.startsWith('passMark:')) + 1);
    expect(await Promise.all(first.artifacts.map((a: any) => hash(a.path)))).toEqual(before);
    expect((await readdir(out)).sort()).toEqual(listing);

    const human = runCli(['build', broken, '--out', out]);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/course\.yaml:\d+:\d+\s+COURSE_SCHEMA\s+passMark: /);
    expect(human.stderr).toMatch(/earlier output is untouched/);
  });

  it('exits 2 on bad usage', () => {
    expect(runCli(['build', '--target', 'scorm2004']).code).toBe(2);
    expect(runCli(['build', '--no-such-flag']).code).toBe(2);
    expect(runCli(['frobnicate']).code).toBe(2);
  });
});

describe('coursepack validate', () => {
  it('accepts the example course without writing anything, and the zip it builds', async () => {
    const work = await mkdtemp(join(tmpdir(), 'cp-val-'));
    await cp(join(ROOT, 'course'), join(work, 'course'), { recursive: true });
    const before = (await readdir(work, { recursive: true })).sort();
    const r = runCli(['validate', join(work, 'course'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, kind: 'course' });
    expect((await readdir(work, { recursive: true })).sort()).toEqual(before);

    const b = runCli(['build', join(work, 'course'), '--out', join(work, 'out'), '--target', 'scorm12', '--json']);
    const zip = JSON.parse(b.stdout).artifacts[0].path;
    const v = runCli(['validate', zip]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/package is valid/);
  });

  it('rejects a file that is not a zip with exit 1 and a code', async () => {
    const work = await mkdtemp(join(tmpdir(), 'cp-val-'));
    await writeFile(join(work, 'bad.zip'), 'not a zip at all');
    const r = runCli(['validate', join(work, 'bad.zip'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems[0].code).toBe('ZIP_UNREADABLE');
  });
});
