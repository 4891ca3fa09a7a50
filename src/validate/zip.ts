// Reads a package zip into memory (path → bytes) for the package checks, without
// ever writing an entry to disk. Hostile or damaged archives become Problems, not
// exceptions: zip-slip names are refused before their data is read, encrypted and
// damaged entries are reported and skipped, and a file that is not a zip at all
// gives one clear ZIP_UNREADABLE instead of a stack trace.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import AdmZip from 'adm-zip';
import type { Problem } from '../errors.ts';
import { issue } from './codes.ts';
import { escapesRoot } from './paths.ts';

export interface ZipContents {
  /** Zip-root-relative paths (as stored in the zip) → bytes; directories and refused entries left out. */
  files: Map<string, Buffer>;
  problems: Problem[];
}

// Packages are read into memory; refuse what could not be an e-learning package (or is a zip bomb).
const MAX_ENTRY_BYTES = 1024 ** 3;
const MAX_TOTAL_BYTES = 4 * 1024 ** 3;

/** adm-zip prefixes its messages and leaves `{0}` placeholders; keep the human part. */
function cleanMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/^ADM-ZIP:\s*/, '').replace(/\s*\{\d+\}/g, '').trim();
}

export async function readZip(path: string): Promise<ZipContents> {
  const files = new Map<string, Buffer>();
  const problems: Problem[] = [];
  const zipName = basename(path);

  let zip: AdmZip;
  try {
    const bytes = await readFile(path);
    if (bytes.length === 0) throw new Error('the file is empty (0 bytes)');
    zip = new AdmZip(bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a folder' : cleanMessage(err);
    problems.push(issue('ZIP_UNREADABLE', `cannot open ${zipName} as a zip: ${why}`, { file: zipName }));
    return { files, problems };
  }

  let entries: AdmZip.IZipEntry[];
  try {
    entries = zip.getEntries();
  } catch (err) {
    problems.push(issue('ZIP_UNREADABLE', `cannot list the entries of ${zipName}: ${cleanMessage(err)}`, { file: zipName }));
    return { files, problems };
  }

  let fileEntries = 0;
  let declared = 0;
  for (const entry of entries) {
    const name = entry.entryName;
    if (!entry.isDirectory) fileEntries++;
    // Refuse before anything else, directories included: the name alone is the attack.
    if (escapesRoot(name)) {
      problems.push(issue('ZIP_SLIP', `entry "${name}" would be extracted outside the package folder`, { file: name }));
      continue;
    }
    if (entry.isDirectory) continue;
    // Bit 0 of the general-purpose flags (traditional PKWARE and WinZip AES, method 99).
    if ((entry.header.flags & 1) !== 0 || entry.header.method === 99) {
      problems.push(issue('ZIP_ENCRYPTED', `entry "${name}" is encrypted`, { file: name }));
      continue;
    }
    if (files.has(name)) {
      problems.push(issue('ZIP_DUPLICATE_ENTRY', `entry "${name}" occurs more than once; the first copy was kept`, { file: name }));
      continue;
    }
    declared += entry.header.size;
    if (entry.header.size > MAX_ENTRY_BYTES || declared > MAX_TOTAL_BYTES) {
      problems.push(
        issue('ZIP_TOO_LARGE', `entry "${name}" would unpack to ${entry.header.size} bytes (${declared} so far); not read`, { file: name }),
      );
      continue;
    }
    try {
      files.set(name, entry.getData());
    } catch (err) {
      problems.push(issue('ZIP_ENTRY_UNREADABLE', `entry "${name}" cannot be decompressed: ${cleanMessage(err)}`, { file: name }));
    }
  }

  if (fileEntries === 0) {
    const what = entries.length === 0 ? 'no entries at all' : 'only folders';
    problems.push(issue('ZIP_EMPTY', `${zipName} contains ${what}`, { file: zipName }));
  }
  if (files.get('imsmanifest.xml')?.length === 0) {
    problems.push(issue('PKG_MANIFEST_EMPTY', 'imsmanifest.xml has zero bytes', { file: 'imsmanifest.xml' }));
  }
  return { files, problems };
}
