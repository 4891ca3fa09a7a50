// The preview plays exactly what `coursepack build` ships: the in-memory package equals
// the files of the built zip byte for byte, and the SCOs are read from its manifest
// the way an LMS reads them.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCourse } from '../../src/package/build.ts';
import { CoursepackError } from '../../src/errors.ts';
import { buildPackageFiles } from '../../src/preview/package.ts';
import { scorm12Launches } from '../../src/preview/manifest.ts';
import { filesFromZip } from '../helpers/lms-server.ts';

const COURSE_DIR = fileURLToPath(new URL('../../course', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'coursepack-preview-pkg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const manifest = (body: string): Map<string, Buffer> =>
  new Map([
    [
      'imsmanifest.xml',
      Buffer.from(`<?xml version="1.0"?>
<manifest identifier="M" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
${body}
</manifest>`),
    ],
  ]);

async function problemCode(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof CoursepackError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('preview package', () => {
  it('the in-memory scorm12 package has the same files, byte for byte, as the zip coursepack build writes', async () => {
    const report = await buildCourse({ courseDir: COURSE_DIR, outDir: tmp, targets: ['scorm12'] });
    const zipped = filesFromZip(readFileSync(report.artifacts[0].path));
    const { files, course } = await buildPackageFiles(COURSE_DIR, 'scorm12');
    expect(course.id).toBe(report.course.id);
    expect([...files.keys()].sort()).toEqual([...zipped.keys()].sort());
    for (const [path, data] of files) expect(data.equals(zipped.get(path)!), path).toBe(true);
    expect(scorm12Launches(files)).toEqual([
      {
        id: expect.any(String),
        title: report.modules[0].title,
        href: `${report.modules[0].id}/index.html`,
        masteryScore: '80',
        launchData: undefined,
      },
    ]);
  });

  it('a broken course fails with the loader\'s problems, as coursepack build does', async () => {
    const dir = join(tmp, 'broken');
    cpSync(COURSE_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'course.yaml'), readFileSync(join(dir, 'course.yaml'), 'utf8').replace(/^id: .*$/m, 'id: Not An Id'));
    const err = await buildPackageFiles(dir, 'scorm12').catch((e: unknown) => e);
    const viaBuild = await buildCourse({ courseDir: dir, targets: ['scorm12'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoursepackError);
    expect((err as CoursepackError).problems).toEqual((viaBuild as CoursepackError).problems);
    expect((err as CoursepackError).problems[0]).toMatchObject({ file: 'course.yaml', line: expect.any(Number) });
  });

  it('reads SCOs from the default organization in order, nested items included, with parameters, xml:base, masteryscore and datafromlms', () => {
    const files = manifest(`
<organizations default="B">
  <organization identifier="A"><title>Other</title><item identifier="IA" identifierref="R1"><title>Not this one</title></item></organization>
  <organization identifier="B"><title>Course</title>
    <item identifier="I1" identifierref="R1"><title> First &amp; &lt;best&gt; </title><adlcp:masteryscore>75</adlcp:masteryscore><adlcp:datafromlms>mode=a</adlcp:datafromlms></item>
    <item identifier="GROUP"><title>Part two</title>
      <item identifier="I2" identifierref="R2" parameters="?x=1"><title>Second</title></item>
    </item>
  </organization>
</organizations>
<resources xml:base="content/">
  <resource identifier="R1" type="webcontent" adlcp:scormtype="sco" href="one/index.html"/>
  <resource identifier="R2" type="webcontent" adlcp:scormtype="sco" xml:base="two/" href="start.html"/>
</resources>`);
    expect(scorm12Launches(files)).toEqual([
      { id: 'I1', title: 'First & <best>', href: 'content/one/index.html', masteryScore: '75', launchData: 'mode=a' },
      { id: 'I2', title: 'Second', href: 'content/two/start.html?x=1', masteryScore: undefined, launchData: undefined },
    ]);
  });

  it('a package without a manifest or without a launchable item is refused with its own code', async () => {
    expect(await problemCode(() => scorm12Launches(new Map()))).toBe('PREVIEW_NO_MANIFEST');
    const empty = manifest('<organizations default="O"><organization identifier="O"><title>t</title><item identifier="I"><title>x</title></item></organization></organizations><resources/>');
    expect(await problemCode(() => scorm12Launches(empty))).toBe('PREVIEW_NO_SCO');
  });
});
