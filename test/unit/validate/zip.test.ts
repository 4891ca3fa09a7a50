// readZip and validateScorm12Zip on real files: a good package read with adm-zip,
// and hostile or damaged archives written byte by byte (rawzip.ts) that must be
// refused with a clear code, never a stack trace and never an extracted file.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScorm12Zip } from '../../../src/validate/index.ts';
import { readZip } from '../../../src/validate/zip.ts';
import { rawZip, type RawEntry } from '../../fixtures/packages/rawzip.ts';
import { goodFiles } from '../../fixtures/packages/scorm12.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coursepack-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function zipFile(bytes: Buffer): Promise<string> {
  const path = join(dir, `pkg-${++n}.zip`);
  await writeFile(path, bytes);
  return path;
}

function goodEntries(prefix = ''): RawEntry[] {
  return [...goodFiles()].map(([name, data]) => ({ name: prefix + name, data, method: 8 as const }));
}

describe('readZip', () => {
  it('reads a good package written by adm-zip into path → bytes', async () => {
    const zip = new AdmZip();
    for (const [name, data] of goodFiles()) zip.addFile(name, data);
    zip.addFile('module-1/', Buffer.alloc(0));
    const { files, problems } = await readZip(await zipFile(zip.toBuffer()));
    expect(problems).toEqual([]);
    expect([...files.keys()].sort()).toEqual([...goodFiles().keys()].sort());
    expect(files.get('common/runtime.js')?.toString()).toBe('window.scorm = {};');
  });

  it('refuses zip-slip entries (.., absolute, drive letter) without extracting anything', async () => {
    const path = await zipFile(
      rawZip([
        ...goodEntries(),
        { name: '../../evil.sh', data: 'rm -rf /' },
        { name: '/etc/cron.d/evil', data: 'x' },
        { name: 'C:\\Windows\\evil.dll', data: 'x' },
        { name: 'module-1/../../up.html', data: 'x' },
      ]),
    );
    const before = await readdir(dir);
    const { files, problems } = await readZip(path);
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['ZIP_SLIP', '../../evil.sh'],
      ['ZIP_SLIP', '/etc/cron.d/evil'],
      ['ZIP_SLIP', 'C:\\Windows\\evil.dll'],
      ['ZIP_SLIP', 'module-1/../../up.html'],
    ]);
    expect([...files.keys()].some((k) => k.includes('evil') || k.includes('up.html'))).toBe(false);
    expect(await readdir(dir)).toEqual(before);
    expect(await readdir(join(dir, '..'))).not.toContain('evil.sh');
  });

  it('reports encrypted entries', async () => {
    const { files, problems } = await readZip(
      await zipFile(rawZip([...goodEntries(), { name: 'secret/answers.html', data: 'xx', encrypted: true }])),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([['ZIP_ENCRYPTED', 'secret/answers.html']]);
    expect(files.has('secret/answers.html')).toBe(false);
  });

  it('reports a path stored twice and keeps the first copy', async () => {
    const { files, problems } = await readZip(
      await zipFile(rawZip([...goodEntries(), { name: 'common/style.css', data: 'body { color: red }' }])),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([['ZIP_DUPLICATE_ENTRY', 'common/style.css']]);
    expect(files.get('common/style.css')?.toString()).toBe('body { margin: 0 }');
  });

  it('reports a zip of folders only', async () => {
    const { problems } = await readZip(await zipFile(rawZip([{ name: 'course/' }, { name: 'course/module-1/' }])));
    expect(problems.map((p) => p.code)).toEqual(['ZIP_EMPTY']);
    expect(problems[0].message).toContain('only folders');
  });

  it('reports a zero-byte manifest', async () => {
    const entries = goodEntries().map((e) => (e.name === 'imsmanifest.xml' ? { name: e.name, data: '' } : e));
    const { problems } = await readZip(await zipFile(rawZip(entries)));
    expect(problems.map((p) => [p.code, p.file])).toEqual([['PKG_MANIFEST_EMPTY', 'imsmanifest.xml']]);
  });

  it('reports an entry with a bad checksum without a stack trace', async () => {
    const { files, problems } = await readZip(
      await zipFile(rawZip([...goodEntries(), { name: 'module-1/page-3.html', data: 'hello', crc: 0x1234 }])),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([['ZIP_ENTRY_UNREADABLE', 'module-1/page-3.html']]);
    expect(problems[0].message).toMatch(/CRC32 checksum failed$/);
    expect(files.has('module-1/page-3.html')).toBe(false);
  });

  it('does not unpack an entry that declares more than 1 GiB', async () => {
    const { files, problems } = await readZip(
      await zipFile(rawZip([...goodEntries(), { name: 'media/huge.mp4', data: 'x', declaredSize: 2 ** 31 }])),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([['ZIP_TOO_LARGE', 'media/huge.mp4']]);
    expect(files.has('media/huge.mp4')).toBe(false);
  });

  it('reports a corrupted (truncated) zip clearly', async () => {
    const good = rawZip(goodEntries());
    const { files, problems } = await readZip(await zipFile(good.subarray(0, good.length - 40)));
    expect(files.size).toBe(0);
    expect(problems.map((p) => p.code)).toEqual(['ZIP_UNREADABLE']);
    expect(problems[0].message).toMatch(/^cannot open pkg-\d+\.zip as a zip: /);
    expect(problems[0].message).not.toMatch(/ADM-ZIP|\n\s+at /);
  });

  it('reports a file that is not a zip, an empty file and a missing file', async () => {
    const html = await readZip(await zipFile(Buffer.from('<!doctype html><p>not a zip</p>')));
    const empty = await readZip(await zipFile(Buffer.alloc(0)));
    const missing = await readZip(join(dir, 'no-such.zip'));
    expect([html, empty, missing].map((r) => r.problems.map((p) => [p.code, p.file]))).toEqual([
      [['ZIP_UNREADABLE', `pkg-${n - 1}.zip`]],
      [['ZIP_UNREADABLE', `pkg-${n}.zip`]],
      [['ZIP_UNREADABLE', 'no-such.zip']],
    ]);
    expect(missing.problems[0].message).toContain('file not found');
  });
});

describe('validateScorm12Zip', () => {
  it('passes a good zip', async () => {
    expect(await validateScorm12Zip(await zipFile(rawZip(goodEntries())))).toEqual([]);
  });

  it('a zip of the folder → PKG_MANIFEST_IN_SUBFOLDER', async () => {
    const problems = await validateScorm12Zip(await zipFile(rawZip([{ name: 'my-course/' }, ...goodEntries('my-course/')])));
    expect(problems.map((p) => [p.code, p.file])).toEqual([['PKG_MANIFEST_IN_SUBFOLDER', 'my-course/imsmanifest.xml']]);
  });

  it('a zip from a Mac with __MACOSX and .DS_Store → PKG_MACOSX and PKG_DOTFILE', async () => {
    const problems = await validateScorm12Zip(
      await zipFile(rawZip([...goodEntries(), { name: '__MACOSX/._imsmanifest.xml', data: 'x' }, { name: '.DS_Store', data: 'x' }])),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['PKG_DOTFILE', '.DS_Store'],
      ['PKG_MACOSX', '__MACOSX/'],
    ]);
  });

  it('reports a zero-byte manifest once, not once per stage', async () => {
    const entries = goodEntries().map((e) => (e.name === 'imsmanifest.xml' ? { name: e.name, data: '' } : e));
    const problems = await validateScorm12Zip(await zipFile(rawZip(entries)));
    expect(problems.filter((p) => p.code === 'PKG_MANIFEST_EMPTY')).toHaveLength(1);
  });

  it('a zip-slip entry is refused and the rest of the package still checked', async () => {
    const problems = await validateScorm12Zip(
      await zipFile(rawZip([...goodEntries().filter((e) => e.name !== 'common/style.css'), { name: '../x.html', data: 'x' }])),
    );
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['ZIP_SLIP', '../x.html'],
      ['PKG_MISSING_FILE', 'imsmanifest.xml'],
    ]);
  });

  it('a corrupted zip → only ZIP_UNREADABLE', async () => {
    const problems = await validateScorm12Zip(await zipFile(Buffer.from('PK\u0003\u0004garbage')));
    expect(problems.map((p) => p.code)).toEqual(['ZIP_UNREADABLE']);
  });
});
