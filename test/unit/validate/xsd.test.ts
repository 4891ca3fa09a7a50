// validateXsd: the SCORM 1.2 manifest (with inline IMS metadata) and cmi5.xml
// against the official XSDs through WASM libxml2, errors mapped to Problems.
import { describe, expect, it } from 'vitest';
import { validateXsd } from '../../../src/validate/xsd.ts';
import { GOOD_MANIFEST, lineOf } from '../../fixtures/packages/scorm12.ts';

const GOOD_CMI5 = `<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/course/demo">
    <title><langstring lang="en-GB">Demo</langstring></title>
    <description><langstring lang="en-GB">A demo course.</langstring></description>
  </course>
  <au id="https://example.org/course/demo/au/1">
    <title><langstring lang="en-GB">Module 1</langstring></title>
    <description><langstring lang="en-GB">The first module.</langstring></description>
    <url>module-1/index.html</url>
  </au>
</courseStructure>
`;

describe('validateXsd scorm12', () => {
  it('accepts a correct manifest with inline imsmd:lom metadata and ignores the ims_xml.xsd namespace warning', async () => {
    expect(await validateXsd(GOOD_MANIFEST, 'scorm12')).toEqual([]);
  });

  it('reports an unknown imsmd element as MANIFEST_XSD with file, line and a hint', async () => {
    const bad = GOOD_MANIFEST.replace('<imsmd:language>', '<imsmd:bogus/><imsmd:language>');
    const problems = await validateXsd(bad, 'scorm12', 'course/imsmanifest.xml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'MANIFEST_XSD',
      severity: 'error',
      file: 'course/imsmanifest.xml',
      line: lineOf(bad, '<imsmd:bogus/>'),
    });
    // Namespace URIs are shown as the prefixes the manifest uses.
    expect(problems[0].message).toContain("'imsmd:bogus'");
    expect(problems[0].message).not.toContain('{http');
    expect(problems[0].hint).toMatch(/order/);
  });

  it('reports a misplaced IMS CP element on its line', async () => {
    const bad = GOOD_MANIFEST.replace('<title>Module 1</title>', '<titel>Module 1</titel>');
    const problems = await validateXsd(bad, 'scorm12');
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([['MANIFEST_XSD', 'imsmanifest.xml', lineOf(bad, '<titel>')]]);
    expect(problems[0].message).toContain("Element 'titel'");
  });

  it('explains an invalid identifier with the xsd:ID rules', async () => {
    const bad = GOOD_MANIFEST.replace('identifier="ITEM-module-1"', 'identifier="1 module"');
    const [p] = await validateXsd(bad, 'scorm12');
    expect(p).toMatchObject({ code: 'MANIFEST_XSD', line: lineOf(bad, 'identifier="1 module"') });
    expect(p.hint).toMatch(/start with a letter or underscore/);
  });

  it('flags adlcp:scormType (SCORM 2004 spelling) as an undeclared attribute', async () => {
    const bad = GOOD_MANIFEST.replace('adlcp:scormtype="sco"', 'adlcp:scormType="sco"');
    const [p] = await validateXsd(bad, 'scorm12');
    expect(p).toMatchObject({ code: 'MANIFEST_XSD', line: lineOf(bad, 'adlcp:scormType') });
    expect(p.message).toContain('adlcp:scormType');
    expect(p.hint).toMatch(/adlcp:scormtype, not adlcp:scormType/);
  });

  it('rejects a SCORM 2004 root with a hint naming the 1.2 namespace', async () => {
    const bad = GOOD_MANIFEST.replace(
      'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
      'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"',
    );
    const [p] = await validateXsd(bad, 'scorm12');
    expect(p.code).toBe('MANIFEST_XSD');
    expect(p.hint).toContain('http://www.imsproject.org/xsd/imscp_rootv1p1p2');
  });

  it('reports XML that is not well-formed as MANIFEST_NOT_WELL_FORMED at the right line', async () => {
    const bad = GOOD_MANIFEST.replace('</organizations>', '</organisations>');
    const problems = await validateXsd(bad, 'scorm12');
    expect(problems[0]).toMatchObject({
      code: 'MANIFEST_NOT_WELL_FORMED',
      file: 'imsmanifest.xml',
      line: lineOf(bad, '</organisations>'),
    });
  });

  it('reads a manifest that declares another encoding (the string is already decoded)', async () => {
    const latin = GOOD_MANIFEST.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('Involving patients</imsmd', 'Café</imsmd');
    expect(await validateXsd(latin, 'scorm12')).toEqual([]);
  });

  it('validates manifests concurrently with consistent verdicts', async () => {
    const bad = GOOD_MANIFEST.replace('<title>Module 1</title>', '<titel>Module 1</titel>');
    const results = await Promise.all([GOOD_MANIFEST, bad, GOOD_MANIFEST, bad].map((m) => validateXsd(m, 'scorm12')));
    expect(results.map((r) => r.length)).toEqual([0, 1, 0, 1]);
  });
});

describe('validateXsd cmi5', () => {
  it('accepts a minimal cmi5.xml', async () => {
    expect(await validateXsd(GOOD_CMI5, 'cmi5')).toEqual([]);
  });

  it('reports a missing AU url as CMI5_XSD with file and line', async () => {
    const bad = GOOD_CMI5.replace('<url>module-1/index.html</url>', '');
    const problems = await validateXsd(bad, 'cmi5');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'CMI5_XSD', file: 'cmi5.xml', line: lineOf(bad, '<au ') });
  });

  it('reports broken XML as CMI5_NOT_WELL_FORMED', async () => {
    const [p] = await validateXsd(GOOD_CMI5.replace('</au>', ''), 'cmi5', 'pkg/cmi5.xml');
    expect(p).toMatchObject({ code: 'CMI5_NOT_WELL_FORMED', file: 'pkg/cmi5.xml' });
  });
});

