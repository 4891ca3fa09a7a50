// The cmi5 target: `coursepack build --target cmi5` writes cmi5.xml validated against the
// official CourseStructure.xsd; broken course structures fail the build with a clear code.
import { describe, expect, it } from 'vitest';
import AdmZip from 'adm-zip';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, ROOT } from '../../helpers/cli.ts';
import { fixtureCourse, fixtureModuleFiles } from '../../helpers/fixture-course.ts';
import { TARGETS } from '../../../src/package/targets.ts';
import { buildCourse } from '../../../src/package/build.ts';

const modules = () => fixtureCourse().modules.map((m) => ({ moduleId: m.id, files: fixtureModuleFiles(m.id) }));
const files = (overrides = {}) => TARGETS.cmi5.files(fixtureCourse(overrides), modules(), '');
const check = (f: Map<string, Buffer>) => TARGETS.cmi5.check(f);

describe('coursepack build --target cmi5', () => {
  it('writes a zip with cmi5.xml at the root, one AU per module whose url is in the zip', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cp-cmi5-'));
    try {
      const r = runCli(['build', join(ROOT, 'course'), '--target', 'cmi5', '--out', out, '--json']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const zip = new AdmZip(JSON.parse(r.stdout).artifacts[0].path);
      const xml = zip.readAsText('cmi5.xml');
      const urls = [...xml.matchAll(/<url>([^<]+)<\/url>/g)].map((m) => m[1]);
      expect(urls).toHaveLength(1);
      expect(zip.getEntry(urls[0]!)).not.toBeNull();
      expect(xml).toContain('masteryScore="0.8"');
      const page = zip.readAsText(urls[0]!);
      expect(page).toContain('"target":"cmi5"');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('passes the package the target builds', async () => {
    expect(await check(files())).toEqual([]);
  });
});

describe('broken cmi5 course structures fail before zipping', () => {
  it('CMI5_XSD (from the official XSD) for a masteryScore above 1, one per AU, with the line', async () => {
    const problems = await check(files({ passMark: 150 }));
    expect(problems.map((p) => p.code)).toEqual(['CMI5_XSD', 'CMI5_XSD']);
    expect(problems[0]).toMatchObject({ file: 'cmi5.xml', line: expect.any(Number) });
    expect(problems[0]!.message).toMatch(/masteryScore/);
  });

  it('CMI5_XSD for an AU without a url', async () => {
    const f = files();
    f.set('cmi5.xml', Buffer.from(f.get('cmi5.xml')!.toString().replace(/<url>[^<]*<\/url>/, '')));
    const problems = await check(f);
    expect(problems.map((p) => p.code)).toEqual(['CMI5_XSD']);
    expect(problems[0]!.message).toMatch(/url/);
  });

  it('CMI5_AU_URL_MISSING when an AU url is not in the package', async () => {
    const f = files();
    f.delete('second-module/index.html');
    const problems = await check(f);
    expect(problems.map((p) => p.code)).toEqual(['CMI5_AU_URL_MISSING']);
    expect(problems[0]!.message).toBe(
      "AU https://coursepack.example/courses/fixture-course/modules/second-module launches 'second-module/index.html', which is not in the package",
    );
  });

  it('CMI5_NOT_IRI for a course IRI that is not absolute (course and each AU)', async () => {
    const problems = await check(files({ iri: 'fixture-course' }));
    expect(problems.map((p) => p.code)).toEqual(['CMI5_NOT_IRI', 'CMI5_NOT_IRI', 'CMI5_NOT_IRI']);
    expect(problems[0]!.message).toBe("<course> id 'fixture-course' is not an absolute IRI");
  });

  it('CMI5_DUPLICATE_ID when two AUs share an id', async () => {
    const f = files();
    f.set('cmi5.xml', Buffer.from(f.get('cmi5.xml')!.toString().replace('/modules/second-module"', '/modules/first-module"')));
    expect((await check(f)).map((p) => p.code)).toEqual(['CMI5_DUPLICATE_ID']);
  });

  it('CMI5_AU_URL_PARAM when an AU url already carries a launch parameter', async () => {
    const f = files();
    f.set('cmi5.xml', Buffer.from(f.get('cmi5.xml')!.toString().replace('first-module/index.html', 'first-module/index.html?fetch=x')));
    expect((await check(f)).map((p) => p.code)).toEqual(['CMI5_AU_URL_PARAM']);
  });

  it('CMI5_MISSING when cmi5.xml is not at the root', async () => {
    const f = files();
    f.delete('cmi5.xml');
    expect((await check(f)).map((p) => p.code)).toEqual(['CMI5_MISSING']);
  });

  it('a failing cmi5 check fails the whole build and writes nothing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cp-cmi5-fail-'));
    const original = TARGETS.cmi5.files;
    try {
      // A course the loader accepts but whose package loses an AU's launch page: the build must stop.
      TARGETS.cmi5.files = (course, mods, dir) => {
        const f = original(course, mods, dir);
        for (const k of [...f.keys()]) if (k.endsWith('/index.html')) f.delete(k);
        return f;
      };
      const err = await buildCourse({ courseDir: join(ROOT, 'course'), outDir: out, targets: ['cmi5'] }).catch((e) => e);
      expect(err.problems.map((p: { code: string }) => p.code)).toEqual(['CMI5_AU_URL_MISSING']);
      expect(err.problems[0].message).toMatch(/^\[cmi5\] AU https:\/\/coursepack\.example\/courses\/patient-involvement\/modules\/.* is not in the package$/);
      await expect(stat(join(out, 'patient-involvement-1.0.0-cmi5.zip'))).rejects.toThrow();
    } finally {
      TARGETS.cmi5.files = original;
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('docs/cmi5.md lists the cmi5 requirements the tests are tagged with', () => {
  it('every tagged id exists in @cmi5/requirements, and the docs tables list exactly the tagged ids', async () => {
    const { readFile } = await import('node:fs/promises');
    const requirements = JSON.parse(await readFile(join(ROOT, 'node_modules/@cmi5/requirements/requirements.json'), 'utf8'));
    const ID = /\b\d+\.\d+\.\d+\.\d+-\d+\b/g;
    const tagged = new Set<string>();
    for (const f of ['test/e2e/cmi5.test.ts', 'test/e2e/cmi5-faults.test.ts', 'test/unit/runtime/launch-xapi-cmi5.test.ts']) {
      for (const m of (await readFile(join(ROOT, f), 'utf8')).matchAll(ID)) tagged.add(m[0]);
    }
    expect(tagged.size).toBeGreaterThan(40);
    expect([...tagged].filter((id) => !requirements[id])).toEqual([]);
    const docs = await readFile(join(ROOT, 'docs/cmi5.md'), 'utf8');
    const rows = [...docs.matchAll(/^\| (\d+\.\d+\.\d+\.\d+-\d+) \| (.*) \| (.*) \|$/gm)];
    expect(new Set(rows.map((r) => r[1]))).toEqual(tagged);
    for (const r of rows) expect(r[2]!.replace(/\\\|/g, '|')).toBe(requirements[r[1]!].txt.replace(/\s+/g, ' '));
  });
});

describe('coursepack validate on cmi5 and Tin Can zips', () => {
  it('checks a zip with cmi5.xml (no SCORM manifest) with the cmi5 rules, and one with tincan.xml with the Tin Can rules', async () => {
    const { zipToBuffer } = await import('../../../src/package/zip.ts');
    const { writeFile } = await import('node:fs/promises');
    const out = await mkdtemp(join(tmpdir(), 'cp-validate-'));
    try {
      const cmi5 = files();
      cmi5.delete('first-module/index.html');
      await writeFile(join(out, 'cmi5.zip'), zipToBuffer(cmi5));
      const tincan = TARGETS.xapi.files(fixtureCourse(), modules(), '');
      tincan.delete('index.html');
      await writeFile(join(out, 'tincan.zip'), zipToBuffer(tincan));
      await writeFile(join(out, 'ok.zip'), zipToBuffer(files()));
      const bad = runCli(['validate', join(out, 'cmi5.zip'), '--json']);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout).problems.map((p: { code: string }) => p.code)).toEqual(['CMI5_AU_URL_MISSING']);
      const badTincan = runCli(['validate', join(out, 'tincan.zip'), '--json']);
      expect(badTincan.code).toBe(1);
      expect(JSON.parse(badTincan.stdout).problems.map((p: { code: string }) => p.code)).toEqual(['TINCAN_LAUNCH_MISSING']);
      expect(runCli(['validate', join(out, 'ok.zip')]).code).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
