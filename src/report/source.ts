// Where statements come from: an export file (a JSON array or one statement per line),
// read as a stream, or an xAPI LRS paged through with `more`. Both yield parsed
// statements one at a time so the aggregation never holds more than one page.
import { createReadStream } from 'node:fs';
import { CoursepackError, problem } from '../errors.ts';

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Progress {
  read: number;
  /** Total when the source knows it (file size in bytes for files is not a statement count, so undefined). */
  bytesRead?: number;
  bytesTotal?: number;
}

/**
 * Statements from a file, in batches (one per read chunk, so the per-statement cost is a
 * loop, not an await): a JSON array (possibly huge: split on top-level elements without
 * parsing the whole text) or NDJSON (one statement per line; blank lines skipped).
 * `keepLine` skips, unparsed, the statements whose text it refuses (the rebuild pass).
 */
export async function* readStatementsFile(path: string, onProgress?: (p: Progress) => void, keepLine?: (text: string) => boolean): AsyncGenerator<Json[]> {
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(path)).catch((e: NodeJS.ErrnoException) => {
    throw new CoursepackError(problem('REPORT_INPUT', `cannot read ${path}: ${e.code ?? e.message}`, { file: path, hint: 'give an NDJSON or JSON-array export of statements' }));
  });
  // 64 KiB reads: larger ones were no faster and left more garbage (1 MiB: 453 MB peak RSS over 1M statements, 64 KiB: 366 MB).
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let mode: 'unknown' | 'array' | 'lines' = 'unknown';
  let buf = '';
  let line = 1;
  let read = 0;
  let bytes = 0;
  // Array-mode scanner state: depth inside the current element, string/escape flags.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let ended = false;
  let scanFrom = 0;
  const parse = (text: string, at: number): Json => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new CoursepackError(problem('REPORT_INPUT', `not valid JSON: ${(e as Error).message}`, { file: path, line: at, hint: 'each line must be one statement (NDJSON), or the file one JSON array' }));
    }
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    bytes += Buffer.byteLength(chunk);
    buf += chunk;
    if (mode === 'unknown') {
      const t = buf.trimStart();
      if (!t) continue;
      mode = t[0] === '[' ? 'array' : 'lines';
      if (mode === 'array') {
        buf = t.slice(1);
      }
    }
    const out: Json[] = [];
    if (mode === 'lines') {
      const last = buf.lastIndexOf('\n');
      if (last !== -1) {
        const lines = buf.slice(0, last).split('\n');
        buf = buf.slice(last + 1);
        for (let i = 0; i < lines.length; i++) {
          const l = lines[i]!;
          // A line that is not blank starts with '{' (after any indentation); only those are parsed.
          if (l.length > 1 || (l.length === 1 && l !== '\r' && l !== ' ')) {
            const t = l.charCodeAt(0) === 123 ? l : l.trim();
            if (t && (!keepLine || keepLine(t))) out.push(parse(t, line + i));
          }
        }
        line += lines.length;
      }
    } else {
      let consumed = 0;
      // Resume scanning where the last chunk stopped (the scanner state carries over).
      let i = scanFrom;
      for (; i < buf.length; i++) {
        const c = buf.charCodeAt(i);
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) inString = false;
          continue;
        }
        if (c === 34) {
          if (depth === 0) throw new CoursepackError(problem('REPORT_INPUT', 'a JSON array of statements must hold only objects', { file: path }));
          inString = true;
        } else if (c === 123 || c === 91) {
          if (start === -1) start = i;
          depth++;
        } else if (c === 125 || c === 93) {
          if (depth === 0 && c === 93) {
            ended = true;
            consumed = i + 1;
            break;
          }
          depth--;
          if (depth === 0 && start !== -1) {
            const text = buf.slice(start, i + 1);
            if (!keepLine || keepLine(text)) out.push(parse(text, 0));
            start = -1;
            consumed = i + 1;
          }
        } else if (c === 44 && depth === 0) {
          consumed = i + 1;
        } else if (c > 32 && start === -1 && depth === 0) {
          throw new CoursepackError(problem('REPORT_INPUT', 'a JSON array of statements must hold only objects', { file: path }));
        }
      }
      if (start !== -1) {
        buf = buf.slice(start);
        scanFrom = i - start;
        start = 0;
      } else {
        buf = buf.slice(consumed > 0 ? consumed : i);
        scanFrom = 0;
      }
      if (ended) buf = '';
    }
    if (out.length) {
      read += out.length;
      yield out;
    }
    onProgress?.({ read, bytesRead: bytes, bytesTotal: size });
    if (ended) break;
  }
  if (mode === 'lines' && buf.trim()) {
    read++;
    yield [parse(buf.trim(), line)];
  }
  if (mode === 'array' && !ended) {
    throw new CoursepackError(problem('REPORT_INPUT', 'the JSON array of statements is not closed (truncated file?)', { file: path }));
  }
  onProgress?.({ read, bytesRead: bytes, bytesTotal: size });
}

export interface LrsSourceOptions {
  /** The xAPI endpoint, e.g. http://127.0.0.1:8420/xapi/ */
  endpoint: string;
  /** `key:secret` (HTTP Basic). */
  key: string;
  /** Restrict to statements about this activity or with it in context (the course IRI). */
  activity?: string;
  /** Only statements stored after this (ISO 8601); a safe pre-filter for a timestamp filter. */
  since?: string;
  limit?: number;
  fetch?: typeof fetch;
}

/**
 * Statements from an LRS: GET /statements (ascending, related_activities for the course)
 * then each `more` link until it is empty. Voided statements are not returned by a
 * conformant LRS; voiding statements are, and the aggregation handles them.
 */
export async function* readStatementsLrs(o: LrsSourceOptions, onProgress?: (p: Progress) => void): AsyncGenerator<Json[]> {
  const f = o.fetch ?? fetch;
  const base = o.endpoint.endsWith('/') ? o.endpoint : `${o.endpoint}/`;
  const q = new URLSearchParams({ ascending: 'true', limit: String(o.limit ?? 0) });
  if (o.activity) {
    q.set('activity', o.activity);
    q.set('related_activities', 'true');
  }
  if (o.since) q.set('since', o.since);
  const auth = `Basic ${Buffer.from(o.key).toString('base64')}`;
  const get = async (url: string): Promise<{ statements?: Json[]; more?: string }> => {
    let res: Response;
    try {
      res = await f(url, { headers: { authorization: auth, 'x-experience-api-version': '1.0.3', accept: 'application/json' } });
    } catch (e) {
      throw new CoursepackError(problem('REPORT_LRS', `cannot reach the LRS at ${base}: ${(e as Error).message}`, { hint: 'check --lrs (the xAPI endpoint, ending in /xapi/) and that the LRS is running' }));
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new CoursepackError(
        problem('REPORT_LRS', `the LRS answered ${res.status} to GET statements: ${text.slice(0, 200)}`, {
          hint: res.status === 401 || res.status === 403 ? 'use a key with the statements:read scope (not --write-only): --key key:secret' : 'check the endpoint and filters',
        }),
      );
    }
    return (await res.json()) as { statements?: Json[]; more?: string };
  };
  let read = 0;
  let page = get(`${base}statements?${q}`);
  for (;;) {
    const body = await page;
    // Ask for the next page before aggregating this one, so the LRS works while we do.
    const next = body.more ? new URL(body.more, base).toString() : null;
    if (next) {
      page = get(next);
      page.catch(() => {}); // surfaced when awaited
    }
    const list = body.statements ?? [];
    read += list.length;
    if (list.length) yield list;
    onProgress?.({ read });
    if (!next) return;
  }
}

const REG_KEY = Buffer.from('"registration"');

/**
 * The rebuild pass over an NDJSON file: only the lines that name one of `registrations`
 * (lower-case) in a `"registration"` member are decoded and parsed; the rest are skipped as
 * bytes (Buffer.indexOf), which costs a fraction of decoding and splitting every line.
 * A JSON array file (first byte `[`) falls back to the general reader with a text filter.
 */
export async function* readRegistrationsFile(path: string, registrations: Set<string>, onProgress?: (p: Progress) => void): AsyncGenerator<Json[]> {
  const first = await import('node:fs/promises').then(async (fs) => {
    const fh = await fs.open(path);
    try {
      const b = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(b, 0, 4096, 0);
      return b.subarray(0, bytesRead).toString('utf8').trimStart()[0];
    } finally {
      await fh.close();
    }
  });
  if (first === '[') {
    const keep = (text: string) => {
      const m = /"registration"\s*:\s*"([^"]*)"/.exec(text);
      return !!m && registrations.has(m[1]!.toLowerCase());
    };
    yield* readStatementsFile(path, onProgress, keep);
    return;
  }
  let rest: Buffer = Buffer.alloc(0);
  let read = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const complete = buf.lastIndexOf(10) + 1; // bytes up to the last full line
    const out: Json[] = [];
    let pos = 0;
    while (pos < complete) {
      const k = buf.indexOf(REG_KEY, pos);
      if (k === -1 || k >= complete) break;
      const lineStart = buf.lastIndexOf(10, k) + 1;
      const lineEnd = buf.indexOf(10, k);
      // The value: skip whitespace and the colon, then a quoted string (a UUID, no escapes).
      let v = k + REG_KEY.length;
      while (v < lineEnd && (buf[v] === 32 || buf[v] === 58 || buf[v] === 9)) v++;
      if (buf[v] === 34) {
        const close = buf.indexOf(34, v + 1);
        if (close !== -1 && close < lineEnd && registrations.has(buf.toString('latin1', v + 1, close).toLowerCase())) {
          out.push(JSON.parse(buf.toString('utf8', lineStart, lineEnd)));
          pos = lineEnd + 1;
          continue;
        }
      }
      pos = k + REG_KEY.length;
    }
    rest = buf.subarray(complete);
    read += out.length;
    if (out.length) yield out;
    onProgress?.({ read });
  }
  if (rest.length) {
    const text = rest.toString('utf8').trim();
    const m = /"registration"\s*:\s*"([^"]*)"/.exec(text);
    if (text && m && registrations.has(m[1]!.toLowerCase())) yield [JSON.parse(text)];
  }
}
