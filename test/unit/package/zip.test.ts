import { describe, expect, it } from 'vitest';
import AdmZip from 'adm-zip';
import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { sha256, writeFileAtomic, writeFolderAtomic, zipToBuffer } from '../../../src/package/zip.ts';

const files = () =>
  new Map<string, Buffer>([
    ['mod/index.html', Buffer.from('<!doctype html><p>Hello</p>')],
    ['imsmanifest.xml', Buffer.from('<manifest/>')],
    ['mod/assets/pic.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['Zeta.txt', Buffer.from('z'.repeat(5000))],
  ]);

describe('deterministic zip', () => {
  it('gives byte-identical archives for the same files in any insertion order and at any time', async () => {
    const a = zipToBuffer(files());
    await new Promise((r) => setTimeout(r, 2100)); // DOS time has 2 s resolution
    const b = zipToBuffer(new Map([...files()].reverse()));
    expect(sha256(a)).toBe(sha256(b));
  });

  it('changes when one byte of content changes', () => {
    const f = files();
    const a = zipToBuffer(f);
    f.set('Zeta.txt', Buffer.from('z'.repeat(4999) + 'y'));
    expect(sha256(zipToBuffer(f))).not.toBe(sha256(a));
  });

  it('sorts entries by byte order, fixes timestamps and permissions, and round-trips the bytes', () => {
    const zip = new AdmZip(zipToBuffer(files()));
    const entries = zip.getEntries();
    expect(entries.map((e) => e.entryName)).toEqual(['Zeta.txt', 'imsmanifest.xml', 'mod/assets/pic.svg', 'mod/index.html']);
    for (const e of entries) {
      expect(e.header.time.getFullYear()).toBe(2000);
      expect((e.header.attr >>> 16) & 0o7777).toBe(0o644);
      expect(e.isDirectory).toBe(false);
      expect(e.getData().equals(files().get(e.entryName)!)).toBe(true);
    }
  });

  it('passes an independent zip reader integrity check (Python zipfile)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-zip-'));
    await writeFile(join(dir, 'p.zip'), zipToBuffer(files()));
    const out = execFileSync('python3', ['-c', 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(len(z.namelist()))', join(dir, 'p.zip')]).toString();
    expect(out.trim().split('\n')).toEqual(['None', '4']);
  });
});

describe('atomic output', () => {
  it('replaces a file only once the new content is complete, leaving no temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-atomic-'));
    const path = join(dir, 'out', 'pkg.zip');
    await writeFileAtomic(path, Buffer.from('old'));
    await writeFileAtomic(path, Buffer.from('new'));
    expect((await readFile(path)).toString()).toBe('new');
    expect(await readdir(join(dir, 'out'))).toEqual(['pkg.zip']);
  });

  it('keeps the previous file when the write fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-atomic-'));
    const path = join(dir, 'pkg.zip');
    await writeFileAtomic(path, Buffer.from('old'));
    // a directory where the temporary file would go makes the write fail
    await mkdir(`${path}.${process.pid}.tmp`);
    await expect(writeFileAtomic(path, Buffer.from('new'))).rejects.toThrow();
    expect((await readFile(path)).toString()).toBe('old');
  });

  it('swaps a whole folder, removing files that are no longer part of the package', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-atomic-'));
    const path = join(dir, 'web');
    await writeFolderAtomic(path, new Map([['a.html', Buffer.from('1')], ['old.html', Buffer.from('x')]]));
    await writeFolderAtomic(path, new Map([['a.html', Buffer.from('2')], ['sub/b.html', Buffer.from('3')]]));
    expect((await readdir(path)).sort()).toEqual(['a.html', 'sub']);
    expect((await readFile(join(path, 'a.html'))).toString()).toBe('2');
    expect((await readdir(dir)).sort()).toEqual(['web']);
  });
});
