// checkScorm12Package: a hand-written good package passes cleanly, and each
// deliberately broken package is caught with its own code, on the right file
// (and line, where the problem is in the manifest).
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../src/errors.ts';
import { CODES } from '../../../src/validate/codes.ts';
import { checkScorm12Package } from '../../../src/validate/scorm12.ts';
import { GOOD_MANIFEST, goodFiles, lineOf, withFiles, withManifest } from '../../fixtures/packages/scorm12.ts';

const M = 'imsmanifest.xml';

function codes(problems: Problem[]): string[] {
  return problems.map((p) => p.code);
}

function find(problems: Problem[], code: string): Problem {
  const p = problems.find((x) => x.code === code);
  if (!p) throw new Error(`expected ${code}, got ${JSON.stringify(problems.map((x) => [x.code, x.file, x.message]))}`);
  return p;
}

describe('a good SCORM 1.2 package', () => {
  it('passes with no errors and no warnings', async () => {
    expect(await checkScorm12Package(goodFiles())).toEqual([]);
  });

  it('resolves percent-encoded hrefs and launch query strings to the files', async () => {
    const files = withFiles(
      { 'common/images/dignity-day.png': null, 'common/images/dignity day.png': Buffer.from([1]) },
      withManifest('common/images/dignity-day.png', 'common/images/dignity%20day.png'),
    );
    const problems = await checkScorm12Package(files);
    // Only the portability warning about the space; the file is found.
    expect(problems.map((p) => [p.code, p.severity, p.file])).toEqual([
      ['PKG_FILENAME_PORTABILITY', 'warning', 'common/images/dignity day.png'],
    ]);
  });

  it('accepts the ADL schema files at the root without listing them', async () => {
    const files = withFiles({ 'imscp_rootv1p1p2.xsd': '<xsd/>', 'adlcp_rootv1p2.xsd': '<xsd/>' });
    expect(await checkScorm12Package(files)).toEqual([]);
  });
});

describe('broken packages, each caught with its own code', () => {
  it('manifest in a subfolder (the folder was zipped) → PKG_MANIFEST_IN_SUBFOLDER, and the rest is still checked', async () => {
    const files = new Map([...withFiles({ 'common/style.css': null })].map(([k, v]) => [`my-course/${k}`, v]));
    const problems = await checkScorm12Package(files);
    expect(find(problems, 'PKG_MANIFEST_IN_SUBFOLDER')).toMatchObject({ severity: 'error', file: 'my-course/imsmanifest.xml' });
    // Checked as if my-course/ were the root, reported with the real paths.
    expect(find(problems, 'PKG_MISSING_FILE')).toMatchObject({ file: 'my-course/imsmanifest.xml' });
    expect(find(problems, 'PKG_MANIFEST_IN_SUBFOLDER').hint).toMatch(/CONTENTS/);
  });

  it('no manifest at all → PKG_MANIFEST_MISSING', async () => {
    const problems = await checkScorm12Package(withFiles({ [M]: null }));
    expect(problems.map((p) => [p.code, p.file])).toEqual([['PKG_MANIFEST_MISSING', M]]);
  });

  it('manifest with the wrong letter case → PKG_MANIFEST_CASE', async () => {
    const files = withFiles({ [M]: null, 'IMSManifest.xml': GOOD_MANIFEST });
    const problems = await checkScorm12Package(files);
    expect(problems.map((p) => [p.code, p.file])).toEqual([['PKG_MANIFEST_CASE', 'IMSManifest.xml']]);
  });

  it('zero-byte manifest → PKG_MANIFEST_EMPTY', async () => {
    const problems = await checkScorm12Package(withFiles({ [M]: Buffer.alloc(0) }));
    expect(find(problems, 'PKG_MANIFEST_EMPTY').file).toBe(M);
  });

  it('missing file → PKG_MISSING_FILE on the manifest line that names it', async () => {
    const problems = await checkScorm12Package(withFiles({ 'common/style.css': null }));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([
      ['PKG_MISSING_FILE', M, lineOf(GOOD_MANIFEST, 'common/style.css')],
    ]);
    expect(problems[0].message).toContain('common/style.css');
  });

  it('missing launch page (href with a query string) → PKG_MISSING_FILE for the resource and its <file>', async () => {
    const problems = await checkScorm12Package(withFiles({ 'module-1/index.html': null }));
    expect(problems.filter((p) => p.code === 'PKG_MISSING_FILE').map((p) => p.line)).toEqual([
      lineOf(GOOD_MANIFEST, '<resource identifier="RES-module-1"'),
      lineOf(GOOD_MANIFEST, '<file href="module-1/index.html"/>'),
    ]);
  });

  it('external metadata (adlcp:location) that is not in the package → PKG_MISSING_FILE', async () => {
    const manifest = GOOD_MANIFEST.replace('<imsmd:lom>', '<adlcp:location>meta/lom.xml</adlcp:location>\n    <imsmd:lom>');
    const missing = await checkScorm12Package(goodFiles(manifest));
    expect(missing.map((p) => [p.code, p.file, p.line])).toEqual([['PKG_MISSING_FILE', M, lineOf(manifest, '<adlcp:location>')]]);
    // Present, it counts as listed: no unlisted-file warning either.
    expect(await checkScorm12Package(withFiles({ 'meta/lom.xml': '<lom/>' }, goodFiles(manifest)))).toEqual([]);
  });

  it('href differing only in letter case → PKG_CASE_MISMATCH', async () => {
    const files = withManifest('<file href="common/style.css"/>', '<file href="common/Style.css"/>');
    const p = find(await checkScorm12Package(files), 'PKG_CASE_MISMATCH');
    expect(p).toMatchObject({ file: M, line: lineOf(GOOD_MANIFEST, 'common/style.css') });
  });

  it('bad prefix adl: instead of adlcp: → PKG_ADLCP_PREFIX, explaining Moodle\'s literal ADLCP:SCORMTYPE match', async () => {
    const manifest = GOOD_MANIFEST.replace('xmlns:adlcp=', 'xmlns:adl=').replace(/adlcp:(scormtype|masteryscore)/g, 'adl:$1');
    const problems = await checkScorm12Package(goodFiles(manifest));
    // The XSD is satisfied (XML allows any prefix); only the Moodle rule catches it.
    expect(codes(problems)).toEqual(['PKG_ADLCP_PREFIX']);
    expect(problems[0]).toMatchObject({ severity: 'error', file: M, line: lineOf(manifest, '<adl:masteryscore>') });
    expect(problems[0].hint).toContain('ADLCP:SCORMTYPE');
  });

  it('adlcp bound to the SCORM 2004 namespace → PKG_ADLCP_NAMESPACE', async () => {
    const files = withManifest('"http://www.adlnet.org/xsd/adlcp_rootv1p2"', '"http://www.adlnet.org/xsd/adlcp_v1p3"');
    const problems = await checkScorm12Package(files);
    expect(find(problems, 'PKG_ADLCP_NAMESPACE').file).toBe(M);
    expect(find(problems, 'PKG_SCORMTYPE_MISSING').file).toBe(M);
  });

  it('IMS CP elements with a prefix → PKG_IMSCP_PREFIX', async () => {
    const manifest = GOOD_MANIFEST.replace(
      'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
      'xmlns:imscp="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
    ).replace(/<(\/?)(manifest|metadata|schema|schemaversion|organizations|organization|item|title|resources|resource|file|dependency)\b/g, '<$1imscp:$2');
    const problems = await checkScorm12Package(goodFiles(manifest));
    expect(codes(problems)).toEqual(['PKG_IMSCP_PREFIX']);
    expect(problems[0]).toMatchObject({ file: M, line: 2 });
  });

  it('bad identifierref → PKG_BAD_IDENTIFIERREF on the item line', async () => {
    const files = withManifest('identifierref="RES-module-1"', 'identifierref="RES-module-one"');
    const problems = await checkScorm12Package(files);
    expect(find(problems, 'PKG_BAD_IDENTIFIERREF')).toMatchObject({
      severity: 'error',
      file: M,
      line: lineOf(GOOD_MANIFEST, '<item identifier="ITEM-module-1"'),
    });
    expect(find(problems, 'PKG_BAD_IDENTIFIERREF').message).toContain('RES-module-one');
    // With its only item broken, the organization has nothing to launch.
    expect(codes(problems)).toContain('PKG_NO_LAUNCH');
  });

  it('schemaversion 1.3 → PKG_SCHEMAVERSION (which the XSD cannot see)', async () => {
    const problems = await checkScorm12Package(withManifest('<schemaversion>1.2', '<schemaversion>1.3'));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([
      ['PKG_SCHEMAVERSION', M, lineOf(GOOD_MANIFEST, '<schemaversion>')],
    ]);
  });

  it('schema other than "ADL SCORM" → PKG_SCHEMA', async () => {
    const problems = await checkScorm12Package(withManifest('<schema>ADL SCORM', '<schema>SCORM'));
    expect(problems.map((p) => [p.code, p.file])).toEqual([['PKG_SCHEMA', M]]);
  });

  it('duplicate identifiers → PKG_DUPLICATE_ID on the second one, reported once (not again by the XSD)', async () => {
    const manifest = GOOD_MANIFEST.replace('<item identifier="ITEM-module-1"', '<item identifier="RES-module-1"');
    const problems = await checkScorm12Package(goodFiles(manifest));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([
      ['PKG_DUPLICATE_ID', M, lineOf(manifest, '<resource identifier="RES-module-1"')],
    ]);
    expect(problems[0].message).toContain(`line ${lineOf(manifest, '<item identifier="RES-module-1"')}`);
  });

  it('identifier that is not an XML ID → PKG_INVALID_ID', async () => {
    const problems = await checkScorm12Package(withManifest('identifier="ORG-demo">', 'identifier="1 demo">'));
    expect(find(problems, 'PKG_INVALID_ID')).toMatchObject({ file: M, line: lineOf(GOOD_MANIFEST, '<organization identifier') });
    expect(problems.filter((p) => p.code === 'MANIFEST_XSD')).toEqual([]);
  });

  it('identifier longer than Moodle\'s 255-character column → PKG_ID_TOO_LONG', async () => {
    const long = `ITEM-${'x'.repeat(251)}`;
    const problems = await checkScorm12Package(withManifest('identifier="ITEM-module-1"', `identifier="${long}"`));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([['PKG_ID_TOO_LONG', M, lineOf(GOOD_MANIFEST, '<item identifier')]]);
    expect(await checkScorm12Package(withManifest('identifier="ITEM-module-1"', `identifier="${long.slice(1)}"`))).toEqual([]);
  });

  it('default organization that does not exist → PKG_NO_DEFAULT_ORG', async () => {
    const problems = await checkScorm12Package(withManifest('default="ORG-demo"', 'default="ORG-main"'));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([
      ['PKG_NO_DEFAULT_ORG', M, lineOf(GOOD_MANIFEST, '<organizations')],
    ]);
  });

  it('no <organization> → PKG_NO_ORGANIZATION; an organization without items → PKG_NO_ITEMS', async () => {
    const none = await checkScorm12Package(withManifest(/<organizations default="ORG-demo">[\s\S]*<\/organizations>/, '<organizations/>'));
    expect(none.map((p) => [p.code, p.file, p.line])).toEqual([['PKG_NO_ORGANIZATION', M, lineOf(GOOD_MANIFEST, '<organizations')]]);
    const empty = await checkScorm12Package(withManifest(/<item identifier="ITEM-module-1"[\s\S]*<\/item>/, ''));
    expect(empty.map((p) => [p.code, p.file, p.line])).toEqual([['PKG_NO_ITEMS', M, lineOf(GOOD_MANIFEST, '<organization identifier')]]);
  });

  it('no default attribute → PKG_DEFAULT_ORG_UNSET warning only', async () => {
    const problems = await checkScorm12Package(withManifest(' default="ORG-demo"', ''));
    expect(problems.map((p) => [p.code, p.severity])).toEqual([['PKG_DEFAULT_ORG_UNSET', 'warning']]);
  });

  it('resource without adlcp:scormtype → PKG_SCORMTYPE_MISSING; SCO without href → PKG_SCO_NO_HREF', async () => {
    const problems = await checkScorm12Package(
      withManifest(' adlcp:scormtype="asset"', ''),
    );
    expect(find(problems, 'PKG_SCORMTYPE_MISSING')).toMatchObject({ file: M, line: lineOf(GOOD_MANIFEST, '<resource identifier="RES-common"') });
    const noHref = await checkScorm12Package(withManifest(' href="module-1/index.html?start=1"', ''));
    expect(find(noHref, 'PKG_SCO_NO_HREF')).toMatchObject({ file: M });
  });

  it('scormtype other than sco/asset → PKG_SCORMTYPE_INVALID, once', async () => {
    const problems = await checkScorm12Package(withManifest('adlcp:scormtype="sco"', 'adlcp:scormtype="SCO"'));
    expect(problems.map((p) => p.code)).toEqual(['PKG_SCORMTYPE_INVALID']);
  });

  it('masteryscore out of range → PKG_MASTERYSCORE', async () => {
    const problems = await checkScorm12Package(withManifest('>80<', '>150<'));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([
      ['PKG_MASTERYSCORE', M, lineOf(GOOD_MANIFEST, '<adlcp:masteryscore>')],
    ]);
  });

  it('dependency on an unknown resource → PKG_BAD_DEPENDENCY', async () => {
    const problems = await checkScorm12Package(withManifest('<dependency identifierref="RES-common"/>', '<dependency identifierref="RES-shared"/>'));
    expect(find(problems, 'PKG_BAD_DEPENDENCY')).toMatchObject({ file: M, line: lineOf(GOOD_MANIFEST, '<dependency') });
  });

  it('__MACOSX entries → PKG_MACOSX, once for the folder', async () => {
    const problems = await checkScorm12Package(
      withFiles({ '__MACOSX/._imsmanifest.xml': 'x', '__MACOSX/module-1/._index.html': 'x' }),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([['PKG_MACOSX', '__MACOSX/']]);
    expect(problems[0].message).toContain('2 entries');
  });

  it('dotfiles → PKG_DOTFILE, a hidden folder once', async () => {
    const problems = await checkScorm12Package(
      withFiles({ '.DS_Store': 'x', 'module-1/.git/config': 'x', 'module-1/.git/HEAD': 'x' }),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['PKG_DOTFILE', '.DS_Store'],
      ['PKG_DOTFILE', 'module-1/.git/'],
    ]);
  });

  it('zip-slip and absolute paths in the file map → PKG_UNSAFE_PATH', async () => {
    const problems = await checkScorm12Package(withFiles({ '../evil.html': 'x', '/etc/passwd': 'x' }));
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['PKG_UNSAFE_PATH', '../evil.html'],
      ['PKG_UNSAFE_PATH', '/etc/passwd'],
    ]);
  });

  it('href that climbs out of the package → PKG_UNSAFE_PATH on the manifest line', async () => {
    const problems = await checkScorm12Package(withManifest('<file href="common/style.css"/>', '<file href="../common/style.css"/>'));
    expect(find(problems, 'PKG_UNSAFE_PATH')).toMatchObject({ file: M, line: lineOf(GOOD_MANIFEST, 'common/style.css') });
  });

  it('backslashes in paths → PKG_BACKSLASH', async () => {
    const problems = await checkScorm12Package(withFiles({ 'module-1\\extra.html': 'x' }));
    expect(problems.map((p) => [p.code, p.file])).toEqual([['PKG_BACKSLASH', 'module-1\\extra.html']]);
  });

  it('file names that break URLs → PKG_UNSAFE_FILENAME', async () => {
    const problems = await checkScorm12Package(withFiles({ 'module-1/notes#1.html': 'x' }));
    expect(find(problems, 'PKG_UNSAFE_FILENAME')).toMatchObject({ severity: 'error', file: 'module-1/notes#1.html' });
  });

  it('a file no resource lists → PKG_UNLISTED_FILE warning (Moodle serves it anyway)', async () => {
    const problems = await checkScorm12Package(withFiles({ 'module-1/page-3.html': 'x' }));
    expect(problems.map((p) => [p.code, p.severity, p.file])).toEqual([['PKG_UNLISTED_FILE', 'warning', 'module-1/page-3.html']]);
  });

  it('an XSD violation → MANIFEST_XSD with its line', async () => {
    const problems = await checkScorm12Package(withManifest('<title>Module 1</title>', '<titel>Module 1</titel>'));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([['MANIFEST_XSD', M, lineOf(GOOD_MANIFEST, '<title>Module 1')]]);
  });

  it('XML that is not well-formed → MANIFEST_NOT_WELL_FORMED at the line libxml2 names, no cascade', async () => {
    const manifest = GOOD_MANIFEST.replace('</organizations>', '</organization>');
    const problems = await checkScorm12Package(goodFiles(manifest));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([['MANIFEST_NOT_WELL_FORMED', M, lineOf(manifest, '</organization>\n  <resources>')]]);
    expect(problems[0].message).toMatch(/organization/);
  });

  it('a bare & (which libxml2 rejects even where a lenient parser does not) → MANIFEST_NOT_WELL_FORMED only', async () => {
    const manifest = GOOD_MANIFEST.replace('<title>Module 1</title>', '<title>Module 1 & 2</title>').replace('default="ORG-demo"', 'default="ORG-x"');
    const problems = await checkScorm12Package(goodFiles(manifest));
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([['MANIFEST_NOT_WELL_FORMED', M, lineOf(manifest, 'Module 1 & 2')]]);
  });

  it('a SCORM 2004 manifest → PKG_ROOT_NAMESPACE, not a cascade of schema errors', async () => {
    const problems = await checkScorm12Package(
      withManifest('xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"', 'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"'),
    );
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([['PKG_ROOT_NAMESPACE', M, 2]]);
    expect(problems[0].message).toContain('SCORM 2004');
  });

  it('invalid UTF-8 in the manifest → PKG_MANIFEST_ENCODING with the line', async () => {
    const bytes = Buffer.from(GOOD_MANIFEST.replace('Involving patients</imsmd', 'Caf\u0000</imsmd'));
    bytes[bytes.indexOf(0)] = 0xe9; // Latin-1 é in a file that says UTF-8
    const problems = await checkScorm12Package(withFiles({ [M]: bytes }));
    expect(find(problems, 'PKG_MANIFEST_ENCODING')).toMatchObject({ file: M, line: lineOf(GOOD_MANIFEST, 'Involving patients</imsmd') });
  });

  it('numeric character references → PKG_NUMERIC_CHARREF warning (Moodle shows them literally)', async () => {
    const problems = await checkScorm12Package(withManifest('<title>Module 1</title>', '<title>Module&#160;1</title>'));
    expect(problems.map((p) => [p.code, p.severity, p.line])).toEqual([
      ['PKG_NUMERIC_CHARREF', 'warning', lineOf(GOOD_MANIFEST, '<title>Module 1')],
    ]);
  });

  it('a resource served from another site (href or xml:base) → PKG_EXTERNAL_HREF warning, not a missing file', async () => {
    const files = withManifest('<resource identifier="RES-common" type="webcontent"', '<resource identifier="RES-common" type="webcontent" xml:base="https://media.invalid/course/"');
    const problems = await checkScorm12Package(withFiles({ 'common/runtime.js': null, 'common/style.css': null, 'common/images/dignity-day.png': null }, files));
    expect(problems.map((p) => [p.code, p.severity])).toEqual([
      ['PKG_EXTERNAL_HREF', 'warning'],
      ['PKG_EXTERNAL_HREF', 'warning'],
      ['PKG_EXTERNAL_HREF', 'warning'],
    ]);
  });

  it('a SCO whose package never calls LMSInitialize → PKG_SCO_NO_API warning, naming SCORM 2004 when that is what it uses', async () => {
    const web = await checkScorm12Package(withFiles({ 'module-1/index.html': '<!doctype html><p>No LMS here</p>' }));
    expect(web.map((p) => [p.code, p.severity, p.file, p.line])).toEqual([
      ['PKG_SCO_NO_API', 'warning', M, lineOf(GOOD_MANIFEST, '<resource identifier="RES-module-1"')],
    ]);
    const s2004 = await checkScorm12Package(withFiles({ 'module-1/index.html': '<script>parent.API_1484_11.Initialize("")</script>' }));
    expect(find(s2004, 'PKG_SCO_NO_API').message).toContain('API_1484_11');
  });

  it('a SCO launching a PDF → PKG_LAUNCH_NOT_HTML warning', async () => {
    const files = withFiles({ 'module-1/guide.pdf': 'x' }, withManifest('href="module-1/index.html?start=1"', 'href="module-1/guide.pdf"'));
    const problems = await checkScorm12Package(files);
    expect(find(problems, 'PKG_LAUNCH_NOT_HTML')).toMatchObject({ severity: 'warning', file: M });
  });

  it('lists every problem of a package with several faults at once', async () => {
    const files = withFiles(
      { 'common/style.css': null, '.DS_Store': 'x', '__MACOSX/._x': 'x' },
      goodFiles(GOOD_MANIFEST.replace('<schemaversion>1.2', '<schemaversion>1.3').replace('identifierref="RES-module-1"', 'identifierref="RES-x"')),
    );
    const found = new Set(codes(await checkScorm12Package(files)));
    for (const c of ['PKG_MISSING_FILE', 'PKG_DOTFILE', 'PKG_MACOSX', 'PKG_SCHEMAVERSION', 'PKG_BAD_IDENTIFIERREF']) expect(found).toContain(c);
  });
});

describe('the code catalogue', () => {
  it('has a title and a hint for every code the package rules raised above', async () => {
    for (const [code, info] of Object.entries(CODES)) {
      expect(code).toMatch(/^[A-Z0-9]+(_[A-Z0-9]+)+$/);
      expect(info.title.length, code).toBeGreaterThan(10);
      expect(info.hint.length, code).toBeGreaterThan(20);
    }
  });
});
