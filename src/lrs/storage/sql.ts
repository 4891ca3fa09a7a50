// SQL shared by the SQLite and PostgreSQL stores: the schema (portable subset) and the
// statement query, which is driven by the filter index so the first page of a filtered
// GET reads only the rows it returns, even over millions of statements.
import { createHash } from 'node:crypto';
import { CoursepackError, problem } from '../../errors.ts';
import type { StatementFilter } from './types.ts';

/**
 * Filter index entries are stored as one signed 64-bit hash of (kind, value): a small
 * fixed-size key keeps the index B-tree compact at millions of statements. A false match
 * needs a 64-bit collision between two IRIs/identifiers used in one store.
 */
export function indexHash(kind: string, value: string): bigint {
  return createHash('sha256').update(kind).update('\u0000').update(value).digest().readBigInt64BE(0);
}

/** Bumped on any incompatible change to the tables below; stores refuse other versions. */
export const SCHEMA_VERSION = '1';

export function schemaMismatch(found: string): CoursepackError {
  return new CoursepackError(
    problem('LRS_DB_SCHEMA', `the LRS database has schema version ${found}; this coursepack uses ${SCHEMA_VERSION}`, {
      hint: 'use the coursepack version that created this database, or start a new one with --db',
    }),
  );
}

export function schemaSql(pg: boolean): string[] {
  const seq = pg ? 'seq BIGSERIAL PRIMARY KEY' : 'seq INTEGER PRIMARY KEY AUTOINCREMENT';
  const blob = pg ? 'BYTEA' : 'BLOB';
  const big = pg ? 'BIGINT' : 'INTEGER';
  const noRowid = pg ? '' : ' WITHOUT ROWID';
  return [
    `CREATE TABLE IF NOT EXISTS lrs_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `INSERT INTO lrs_meta (key, value) VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT (key) DO NOTHING`,
    `CREATE TABLE IF NOT EXISTS statements (
      ${seq},
      id TEXT NOT NULL UNIQUE,
      stored_ms ${big} NOT NULL,
      voided SMALLINT NOT NULL DEFAULT 0,
      void_target TEXT,
      hash TEXT NOT NULL,
      json TEXT NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS statements_void_target ON statements (void_target)`,
    `CREATE INDEX IF NOT EXISTS statements_stored ON statements (stored_ms)`,
    `CREATE TABLE IF NOT EXISTS statement_index (
      h ${big} NOT NULL,
      seq ${big} NOT NULL,
      PRIMARY KEY (h, seq)
    )${noRowid}`,
    `CREATE TABLE IF NOT EXISTS activities (id TEXT PRIMARY KEY, definition TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS attachments (sha2 TEXT PRIMARY KEY, content_type TEXT NOT NULL, content ${blob} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS documents (
      kind TEXT NOT NULL,
      activity_id TEXT NOT NULL,
      agent TEXT NOT NULL,
      registration TEXT NOT NULL,
      doc_id TEXT NOT NULL,
      content_type TEXT NOT NULL,
      content ${blob} NOT NULL,
      etag TEXT NOT NULL,
      updated_ms ${big} NOT NULL,
      PRIMARY KEY (kind, activity_id, agent, registration, doc_id)
    )`,
    `CREATE TABLE IF NOT EXISTS keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      scopes TEXT NOT NULL,
      activity_prefix TEXT,
      write_only SMALLINT NOT NULL,
      secret_hash TEXT NOT NULL,
      created_ms ${big} NOT NULL,
      revoked_ms ${big},
      rate_limit INTEGER
    )`,
  ];
}

/** How far apart the clocks of LRS processes sharing one PostgreSQL database may be. */
export const CLOCK_SLACK_MS = 5000;

/** SQL + parameters for one page; `ph(n)` renders the n-th placeholder (1-based). */
export function statementQuery(f: StatementFilter, ph: (n: number) => string, pg = false): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  // node-postgres takes 64-bit integers as strings; better-sqlite3 takes BigInt.
  const hashParam = ([kind, value]: [string, string]) => (pg ? indexHash(kind, value).toString() : indexHash(kind, value));
  const p = (v: unknown) => {
    params.push(v);
    return ph(params.length);
  };
  const where: string[] = ['s.voided = 0'];
  const order = f.ascending ? 'ASC' : 'DESC';
  let from = 'statements s';
  let seqCol = 's.seq';
  const [first, ...rest] = f.match;
  if (first) {
    // Drive the scan from the index (kind, value, seq): rows come out already in seq order.
    from = 'statement_index i JOIN statements s ON s.seq = i.seq';
    seqCol = 'i.seq';
    where.push(`i.h = ${p(hashParam(first))}`);
  }
  for (const m of rest) {
    where.push(`EXISTS (SELECT 1 FROM statement_index x WHERE x.h = ${p(hashParam(m))} AND x.seq = s.seq)`);
  }
  // `stored` grows with `seq` (exactly on SQLite, which has one writer; on PostgreSQL up to
  // the LRS processes' clock skew, allowed for by CLOCK_SLACK_MS). So since/until also
  // become seq bounds found with one index lookup each, and a sparse filter never walks
  // the whole index; the stored_ms conditions stay the exact test.
  const slack = pg ? CLOCK_SLACK_MS : 0;
  const seqAtOrBefore = (ms: number) =>
    `COALESCE((SELECT b.seq FROM statements b WHERE b.stored_ms <= ${p(ms)} ORDER BY b.stored_ms DESC, b.seq DESC LIMIT 1), 0)`;
  //
  // All seq bounds of one side are folded into ONE comparison (min/max of them): given two
  // upper bounds (`seq <= upperSeq AND seq < afterSeq`), the planners range-scan on one and
  // filter by the other, so every later page re-read all the rows between the first page
  // and itself (quadratic paging). Bounds are thunks so placeholders are taken in text order.
  const lower: Array<() => string> = []; // seq > each
  const upper: Array<() => string> = []; // seq <= each
  if (f.sinceMs !== undefined) {
    where.push(`s.stored_ms > ${p(f.sinceMs)}`);
    lower.push(() => seqAtOrBefore(f.sinceMs! - slack));
  }
  // For until no assumption is needed: a matching row is itself among those the bound is taken over.
  if (f.untilMs !== undefined) {
    where.push(`s.stored_ms <= ${p(f.untilMs)}`);
    upper.push(() => seqAtOrBefore(f.untilMs!));
  }
  if (f.upperSeq !== undefined) upper.push(() => p(f.upperSeq));
  if (f.afterSeq !== undefined) {
    if (f.ascending) lower.push(() => p(f.afterSeq));
    else upper.push(() => p(f.afterSeq! - 1)); // seqs are integers: seq < n is seq <= n - 1
  }
  const fold = (bounds: Array<() => string>, fn: 'min' | 'max') => {
    const parts = bounds.map((b) => b());
    if (parts.length === 1) return parts[0]!;
    // PostgreSQL would type LEAST/GREATEST of untyped parameters as text.
    return pg ? `${fn === 'min' ? 'LEAST' : 'GREATEST'}(${parts.map((x) => `CAST(${x} AS BIGINT)`).join(', ')})` : `${fn}(${parts.join(', ')})`;
  };
  if (lower.length > 0) where.push(`${seqCol} > ${fold(lower, 'max')}`);
  if (upper.length > 0) where.push(`${seqCol} <= ${fold(upper, 'min')}`);
  const sql = `SELECT s.seq AS seq, s.json AS json, s.stored_ms AS stored_ms FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${seqCol} ${order} LIMIT ${p(f.limit)}`;
  return { sql, params };
}
