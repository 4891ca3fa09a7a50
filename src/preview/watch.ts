// Watches a course folder and calls back once per burst of changes: editors save in
// several steps (temp file, rename, chmod), and a rebuild per step would be waste.
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';

export interface CourseWatcher {
  close(): void;
}

/** Editor droppings that are not course sources (swap, backup and lock files). */
function ignored(file: string | null): boolean {
  if (!file) return false;
  const name = basename(file);
  return name.startsWith('.#') || name.endsWith('~') || /\.(swp|swx|tmp)$/.test(name) || name === '.DS_Store';
}

export function watchCourse(dir: string, onChange: () => void, onError: (err: Error) => void, debounceMs = 120): CourseWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Recursive fs.watch works on Linux from Node 20 (and on macOS and Windows natively).
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, file) => {
    if (ignored(file)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on('error', onError);
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
