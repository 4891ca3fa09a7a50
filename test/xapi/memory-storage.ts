// Web Storage in memory for the outbox tests (Node has no localStorage): a Map behind the
// Storage methods the outbox uses, which also counts the bytes written, can refuse writes
// past a quota (as a browser's QuotaExceededError) and can report every change. And the
// short wait those tests use for the outbox's asynchronous work.
import type { KeyValueStorage } from '../../src/xapi/outbox.ts';
import { poll } from '../helpers/poll.ts';

const enc = new TextEncoder();

export class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  /** UTF-8 bytes of every key and value passed to setItem. */
  bytes = 0;
  writes = 0;
  /** Characters (keys and values) the storage holds at most. */
  quota = Infinity;
  onChange: (() => void) | null = null;
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.quota !== Infinity) {
      const used = [...this.map].reduce((n, [key, val]) => n + (key === k ? 0 : key.length + val.length), 0);
      if (used + k.length + v.length > this.quota) {
        throw new Error(`QuotaExceededError: Setting the value of '${k.slice(0, 30)}' exceeded the quota.`);
      }
    }
    this.bytes += enc.encode(k).length + enc.encode(v).length;
    this.writes++;
    this.map.set(k, String(v));
    this.onChange?.();
  }
  removeItem(k: string) {
    this.map.delete(k);
    this.onChange?.();
  }
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  copy(): MemoryStorage {
    const c = new MemoryStorage();
    for (const [k, v] of this.map) c.map.set(k, v);
    return c;
  }
}

/** Waits until `cond()` holds, checking every 10 ms; throws after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  await poll(cond, Boolean, { timeoutMs: ms, everyMs: 10, fail: 'timed out waiting' });
}
