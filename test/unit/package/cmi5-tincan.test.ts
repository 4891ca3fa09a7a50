import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { buildCmi5Xml, NS_CMI5 } from '../../../src/package/cmi5.ts';
import { buildTincanXml, NS_TINCAN } from '../../../src/package/tincan.ts';
import { fixtureCourse } from '../../helpers/fixture-course.ts';
import { ROOT } from '../../helpers/cli.ts';

/** Debian's xmllint against the official CourseStructure.xsd; returns its exit code and output. */
async function xmllintCmi5(xml: string): Promise<{ ok: boolean; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cp-cmi5-'));
  await writeFile(join(dir, 'cmi5.xml'), xml);
  try {
    const out = execFileSync('xmllint', ['--noout', '--schema', join(ROOT, 'schemas/cmi5/CourseStructure.xsd'), join(dir, 'cmi5.xml')], {
      stdio: 'pipe',
    });
    return { ok: true, out: out.toString() };
  } catch (e: any) {
    return { ok: false, out: String(e.stderr) };
  }
}

describe('cmi5.xml', () => {
  it('validates against the official CourseStructure.xsd, one AU per module', async () => {
    const xml = buildCmi5Xml(fixtureCourse());
    expect(await xmllintCmi5(xml)).toMatchObject({ ok: true });
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const aus = Array.from(doc.getElementsByTagNameNS(NS_CMI5, 'au'));
    expect(aus.map((a) => a.getAttribute('id'))).toEqual([
      'https://coursepack.example/courses/fixture-course/modules/first-module',
      'https://coursepack.example/courses/fixture-course/modules/second-module',
    ]);
  });

  it('turns the percentage pass mark into a 0..1 masteryScore with moveOn CompletedAndPassed, and Completed without one', async () => {
    const withMark = new DOMParser().parseFromString(buildCmi5Xml(fixtureCourse({ passMark: 80 })), 'text/xml');
    const au = withMark.getElementsByTagNameNS(NS_CMI5, 'au')[0];
    expect(au.getAttribute('masteryScore')).toBe('0.8');
    expect(au.getAttribute('moveOn')).toBe('CompletedAndPassed');
    const without = buildCmi5Xml(fixtureCourse({ passMark: undefined }));
    expect(without).not.toContain('masteryScore');
    expect(without).toContain('moveOn="Completed"');
    expect(await xmllintCmi5(without)).toMatchObject({ ok: true });
  });

  it('is rejected by the XSD when an AU loses its url (the validator is not a rubber stamp)', async () => {
    const broken = buildCmi5Xml(fixtureCourse()).replace(/<url>[^<]*<\/url>/, '');
    const r = await xmllintCmi5(broken);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/url/);
  });
});

describe('tincan.xml', () => {
  it('describes the launchable course activity and one activity per module', () => {
    const doc = new DOMParser().parseFromString(buildTincanXml(fixtureCourse()), 'text/xml');
    expect(doc.documentElement!.namespaceURI).toBe(NS_TINCAN);
    const acts = Array.from(doc.getElementsByTagNameNS(NS_TINCAN, 'activity'));
    expect(acts).toHaveLength(3);
    expect(acts[0].getElementsByTagNameNS(NS_TINCAN, 'launch')[0].textContent).toBe('index.html');
    expect(acts[0].getElementsByTagNameNS(NS_TINCAN, 'name')[0].textContent).toBe('Fixture & <Course>');
    expect(acts.slice(1).every((a) => a.getElementsByTagNameNS(NS_TINCAN, 'launch').length === 0)).toBe(true);
  });
});
