// The xapi target: what `coursepack build --target xapi` writes, and the structural
// tincan.xml check that stops a broken package before it is zipped.
import { describe, expect, it } from 'vitest';
import AdmZip from 'adm-zip';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { runCli, ROOT } from '../../helpers/cli.ts';
import { fixtureCourse, fixtureModuleFiles } from '../../helpers/fixture-course.ts';
import { TARGETS } from '../../../src/package/targets.ts';
import { parseTargets } from '../../../src/cli/build.ts';
import { NS_TINCAN } from '../../../src/package/tincan.ts';

const modules = () => fixtureCourse().modules.map((m) => ({ moduleId: m.id, files: fixtureModuleFiles(m.id) }));
const files = (overrides = {}) => TARGETS.xapi.files(fixtureCourse(overrides), modules(), '');
const codes = async (f: Map<string, Buffer>) => (await TARGETS.xapi.check(f)).map((p) => p.code);

describe('coursepack build --target xapi', () => {
  it('writes a zip with tincan.xml at the root whose course activity launches index.html, which opens the module with the launch parameters', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cp-xapi-'));
    try {
      const r = runCli(['build', join(ROOT, 'course'), '--target', 'xapi', '--out', out, '--json']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.artifacts.map((a: { target: string }) => a.target)).toEqual(['xapi']);
      const zip = new AdmZip(report.artifacts[0].path);
      const names = zip.getEntries().map((e) => e.entryName);
      expect(names).toContain('tincan.xml');
      expect(names).toContain('index.html');
      const doc = new DOMParser().parseFromString(zip.readAsText('tincan.xml'), 'text/xml');
      const acts = Array.from(doc.getElementsByTagNameNS(NS_TINCAN, 'activity'));
      expect(acts[0]!.getAttribute('id')).toBe('https://coursepack.example/courses/patient-involvement');
      expect(acts[0]!.getElementsByTagNameNS(NS_TINCAN, 'launch')[0]!.textContent).toBe('index.html');
      const landing = zip.readAsText('index.html');
      const moduleIndex = names.find((n) => /^[^/]+\/index\.html$/.test(n))!;
      expect(landing).toContain(`location.replace(only + location.search)`);
      expect(landing).toContain(JSON.stringify(moduleIndex));
      // The module page is rendered for the xapi target and carries what the statements need.
      const page = zip.readAsText(moduleIndex);
      const data = JSON.parse(/<script type="application\/json" id="cp-data">([^<]*)<\/script>/.exec(page)![1]!);
      expect(data.target).toBe('xapi');
      expect(data.xapi.course.iri).toBe('https://coursepack.example/courses/patient-involvement');
      expect(data.xapi.questions.map((q: { type: string }) => q.type).sort()).toEqual(
        expect.arrayContaining(['single-choice', 'multiple-response', 'true-false', 'fill-in', 'matching']),
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('--target all includes xapi and cmi5', () => {
    expect(parseTargets(['all'])).toEqual(expect.arrayContaining(['xapi', 'cmi5', 'scorm12', 'web']));
    expect(parseTargets(['xapi,cmi5'])).toEqual(['xapi', 'cmi5']);
  });
});

describe('tincan.xml structural check', () => {
  it('passes the package the target builds', async () => {
    expect(await codes(files())).toEqual([]);
  });

  it('TINCAN_MISSING when tincan.xml is not at the root', async () => {
    const f = files();
    f.set('sub/tincan.xml', f.get('tincan.xml')!);
    f.delete('tincan.xml');
    expect(await codes(f)).toEqual(['TINCAN_MISSING']);
  });

  it('TINCAN_NOT_WELL_FORMED for broken XML', async () => {
    const f = files();
    f.set('tincan.xml', Buffer.from('<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities></tincan>'));
    expect(await codes(f)).toEqual(['TINCAN_NOT_WELL_FORMED']);
  });

  it('TINCAN_ROOT for a root in no namespace', async () => {
    const f = files();
    f.set('tincan.xml', Buffer.from(f.get('tincan.xml')!.toString().replace(' xmlns="http://projecttincan.com/tincan.xsd"', '')));
    const problems = await TARGETS.xapi.check(f);
    expect(problems.map((p) => p.code)).toEqual(['TINCAN_ROOT']);
    expect(problems[0]!.message).toContain('no namespace');
  });

  it('TINCAN_LAUNCH when no activity, or two, can be launched', async () => {
    const none = files();
    none.set('tincan.xml', Buffer.from(none.get('tincan.xml')!.toString().replace(/<launch[^>]*>[^<]*<\/launch>/, '')));
    expect(await codes(none)).toEqual(['TINCAN_LAUNCH']);
    const two = files();
    two.set('tincan.xml', Buffer.from(two.get('tincan.xml')!.toString().replace(/(<\/description>)(\s*<\/activity>\s*<\/activities>)/, '$1<launch lang="en-GB">index.html</launch>$2')));
    expect(await codes(two)).toEqual(['TINCAN_LAUNCH']);
  });

  it('TINCAN_LAUNCH_MISSING when the launch file is not in the package', async () => {
    const f = files();
    f.delete('index.html');
    const problems = await TARGETS.xapi.check(f);
    expect(problems.map((p) => p.code)).toEqual(['TINCAN_LAUNCH_MISSING']);
    expect(problems[0]!.message).toContain("'index.html'");
  });

  it('TINCAN_ACTIVITY_ID for a course IRI that is not absolute (one per activity)', async () => {
    const problems = await TARGETS.xapi.check(files({ iri: 'courses/fixture' }));
    expect(problems.map((p) => p.code)).toEqual(['TINCAN_ACTIVITY_ID', 'TINCAN_ACTIVITY_ID', 'TINCAN_ACTIVITY_ID']);
    expect(problems[0]).toMatchObject({ file: 'tincan.xml', line: expect.any(Number) });
    expect(problems[0]!.message).toBe("activity id 'courses/fixture' is not an absolute IRI");
  });
});
