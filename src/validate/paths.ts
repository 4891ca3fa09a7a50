// Path rules shared by the zip reader and the package checks: what makes a path
// escape the package (zip slip), what an LMS server or a browser cannot handle,
// and the junk that desktop zip tools add.
import { posix } from 'node:path';
import type { Problem } from '../errors.ts';
import { issue } from './codes.ts';

/** True when extracting `path` could write outside the target folder. */
export function escapesRoot(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('//')) return true;
  return p.split('/').some((seg) => seg === '..');
}

const UNSAFE_CHARS = /[\u0000-\u001f\u007f#?:*"<>|]/;
const PORTABILITY_CHARS = /[ %&']|[^\u0000-\u007f]/;
const OS_JUNK = /^(thumbs\.db|desktop\.ini|ehthumbs\.db)$/i;

/**
 * Problems with the paths of the package's files themselves (not the hrefs).
 * __MACOSX and dot-folders are reported once per folder, not once per file.
 */
export function checkPackagePaths(paths: string[]): Problem[] {
  const problems: Problem[] = [];
  const reportedFolders = new Set<string>();
  const byLowerCase = new Map<string, string>();

  for (const path of paths) {
    if (path.includes('\\')) {
      problems.push(issue('PKG_BACKSLASH', `"${path}" uses backslashes as folder separators`, { file: path }));
      continue;
    }
    if (escapesRoot(path)) {
      problems.push(issue('PKG_UNSAFE_PATH', `"${path}" is absolute or leaves the package folder`, { file: path }));
      continue;
    }
    const segments = path.split('/');
    const macIndex = segments.findIndex((s) => s === '__MACOSX');
    if (macIndex >= 0) {
      const folder = segments.slice(0, macIndex + 1).join('/') + '/';
      if (!reportedFolders.has(folder)) {
        reportedFolders.add(folder);
        const count = paths.filter((p) => p.startsWith(folder)).length;
        problems.push(issue('PKG_MACOSX', `macOS metadata folder ${folder} (${count} ${count === 1 ? 'entry' : 'entries'})`, { file: folder }));
      }
      continue;
    }
    const dotIndex = segments.findIndex((s) => s.startsWith('.') && s !== '.' && s !== '..');
    if (dotIndex >= 0) {
      const isFolder = dotIndex < segments.length - 1;
      const name = segments.slice(0, dotIndex + 1).join('/') + (isFolder ? '/' : '');
      if (!reportedFolders.has(name)) {
        reportedFolders.add(name);
        problems.push(issue('PKG_DOTFILE', `hidden ${isFolder ? 'folder' : 'file'} ${name}`, { file: name }));
      }
      continue;
    }
    const base = segments[segments.length - 1];
    if (OS_JUNK.test(base)) {
      problems.push(issue('PKG_DOTFILE', `operating-system file ${path}`, { file: path }));
      continue;
    }
    const badSegment = segments.find((s) => UNSAFE_CHARS.test(s) || /[. ]$/.test(s));
    if (badSegment !== undefined) {
      problems.push(
        issue('PKG_UNSAFE_FILENAME', `"${path}" contains characters that break URLs or Windows file systems`, { file: path }),
      );
      continue;
    }
    if (segments.some((s) => PORTABILITY_CHARS.test(s))) {
      problems.push(
        issue('PKG_FILENAME_PORTABILITY', `"${path}" contains spaces, non-ASCII or URL-special characters`, { file: path }),
      );
    }
    const lower = path.toLowerCase();
    const other = byLowerCase.get(lower);
    if (other !== undefined) {
      problems.push(
        issue('PKG_FILENAME_PORTABILITY', `"${path}" and "${other}" differ only in letter case`, {
          file: path,
          hint: 'Rename one of them: on Windows and macOS (and in some LMS file stores) they are the same file and one overwrites the other.',
        }),
      );
    } else {
      byLowerCase.set(lower, path);
    }
  }
  return problems;
}

/** True for paths that checkPackagePaths already flags as not course content. */
export function isJunkPath(path: string): boolean {
  const segments = path.split('/');
  return (
    segments.includes('__MACOSX') ||
    segments.some((s) => s.startsWith('.')) ||
    OS_JUNK.test(segments[segments.length - 1]) ||
    path.includes('\\') ||
    escapesRoot(path)
  );
}

/** Normalise a package-relative path (`a/./b/../c` → `a/c`); null if it leaves the root. */
export function normalizeInside(path: string): string | null {
  if (path.startsWith('/')) return null;
  const n = posix.normalize(path);
  if (n === '..' || n.startsWith('../')) return null;
  return n === '.' ? '' : n;
}
