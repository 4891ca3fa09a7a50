// Per-process memory of pure parsing steps (YAML documents, schema verdicts, Markdown
// references), keyed by their exact input. A second load of an unchanged course in
// the same process — watch mode, the preview server, the bench's warm build — then
// only reads and compares the files instead of parsing them again. Bounded, least
// recently used first out, so a long-running process does not grow without limit.

/** Entries kept per memo: enough for every file of a 4000-page course. */
export const MEMO_LIMIT = 4096;

export interface Memo<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): V;
}

export function memo<K, V>(limit = MEMO_LIMIT): Memo<K, V> {
  const entries = new Map<K, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        // Map keeps insertion order: re-inserting marks the entry as the most recent.
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.set(key, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value as K);
      return value;
    },
  };
}
