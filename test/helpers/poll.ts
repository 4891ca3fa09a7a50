// Waiting in tests for something that arrives asynchronously (statements in the LRS, a
// webhook POST, an emptied outbox) by reading it again until it is there: one loop
// instead of a copy in each test file.

export interface PollOptions {
  /** How long to keep reading. */
  timeoutMs: number;
  /** Pause between reads (default 100 ms). */
  everyMs?: number;
  /** Throw this message on timeout; without it the last value read is returned, for the test's own assertion to show. */
  fail?: string;
}

/** Reads `read()` until `done(value)` holds and returns that value (see PollOptions for the timeout). */
export async function poll<T>(read: () => T | Promise<T>, done: (value: T) => boolean, o: PollOptions): Promise<T> {
  const end = Date.now() + o.timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) {
      if (o.fail) throw new Error(o.fail);
      return value;
    }
    await new Promise((r) => setTimeout(r, o.everyMs ?? 100));
  }
}
