import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { buildScorm12Manifest, NS_ADLCP, NS_IMSCP } from '../../../src/package/scorm12.ts';
import { fixtureCourse, fixtureModuleFiles } from '../../helpers/fixture-course.ts';
import type { Course } from '../../../src/course/types.ts';

const manifestFor = (course: Course) =>
  buildScorm12Manifest(course, course.modules.map((m) => ({ moduleId: m.id, files: fixtureModuleFiles(m.id) })));
const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');

describe('SCORM 1.2 manifest', () => {
  it('matches the reviewed golden file byte for byte', () => {
    const golden = readFileSync(new URL('../../fixtures/golden/scorm12-imsmanifest.golden.xml', import.meta.url), 'utf8');
    expect(manifestFor(fixtureCourse())).toBe(golden);
  });

  it('puts IMS CP in the default namespace and binds ADL CP to the literal prefix adlcp (Moodle matches ADLCP:SCORMTYPE)', () => {
    const xml = manifestFor(fixtureCourse());
    const doc = parse(xml);
    const root = doc.documentElement!;
    expect(root.namespaceURI).toBe(NS_IMSCP);
    expect(root.prefix).toBeNull();
    expect(root.getAttribute('xmlns:adlcp')).toBe(NS_ADLCP);
    expect(xml.toUpperCase()).toContain('ADLCP:SCORMTYPE="SCO"');
    const resources = doc.getElementsByTagNameNS(NS_IMSCP, 'resource');
    expect(resources.length).toBe(2);
    for (const r of Array.from(resources)) expect(r.getAttributeNS(NS_ADLCP, 'scormtype')).toBe('sco');
  });

  it('declares schema ADL SCORM and schemaversion 1.2 exactly', () => {
    const doc = parse(manifestFor(fixtureCourse()));
    expect(doc.getElementsByTagNameNS(NS_IMSCP, 'schema')[0].textContent).toBe('ADL SCORM');
    expect(doc.getElementsByTagNameNS(NS_IMSCP, 'schemaversion')[0].textContent).toBe('1.2');
  });

  it('has one organisation with one SCO item per module, each resolving to its resource', () => {
    const doc = parse(manifestFor(fixtureCourse()));
    const orgs = doc.getElementsByTagNameNS(NS_IMSCP, 'organization');
    expect(orgs.length).toBe(1);
    expect(doc.getElementsByTagNameNS(NS_IMSCP, 'organizations')[0].getAttribute('default')).toBe(orgs[0].getAttribute('identifier'));
    const resIds = Array.from(doc.getElementsByTagNameNS(NS_IMSCP, 'resource')).map((r) => r.getAttribute('identifier'));
    const refs = Array.from(doc.getElementsByTagNameNS(NS_IMSCP, 'item')).map((i) => i.getAttribute('identifierref'));
    expect(refs).toEqual(resIds);
  });

  it('lists every file of each module under its resource', () => {
    const doc = parse(manifestFor(fixtureCourse()));
    const hrefs = Array.from(doc.getElementsByTagNameNS(NS_IMSCP, 'file')).map((f) => f.getAttribute('href'));
    const expected = fixtureCourse().modules.flatMap((m) => [...fixtureModuleFiles(m.id).keys()].map((p) => `${m.id}/${p}`));
    expect(hrefs.sort()).toEqual(expected.sort());
  });

  it('derives identifiers from course id and version only: stable across builds, valid XML IDs, changed by a new version', () => {
    const a = manifestFor(fixtureCourse());
    expect(manifestFor(fixtureCourse())).toBe(a);
    const ids = [...a.matchAll(/identifier="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9._-]*$/);
    const b = manifestFor(fixtureCourse({ version: '2.2.0+build.7' }));
    expect(b).toContain('identifier="MANIFEST-fixture-course-2.2.0_build.7"');
  });

  it('writes adlcp:masteryscore only when the course has a pass mark', () => {
    expect(manifestFor(fixtureCourse())).toContain('<adlcp:masteryscore>75</adlcp:masteryscore>');
    expect(manifestFor(fixtureCourse({ passMark: undefined }))).not.toContain('masteryscore');
  });

  it('escapes titles so author text cannot break the XML', () => {
    const xml = manifestFor(fixtureCourse({ title: 'A </title><evil/> & co' }));
    const doc = parse(xml);
    expect(doc.getElementsByTagNameNS(NS_IMSCP, 'organization')[0].getElementsByTagNameNS(NS_IMSCP, 'title')[0].textContent).toBe(
      'A </title><evil/> & co',
    );
    expect(doc.getElementsByTagName('evil').length).toBe(0);
  });
});
