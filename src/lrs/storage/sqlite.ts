// SQLite store: the zero-set-up default. WAL mode with synchronous=FULL so a statement
// acknowledged with 200 survives a crash or power loss. An fsync costs milliseconds, so
// writes are group-committed: every request that arrives in one event-loop turn goes into
// one transaction, each inside its own savepoint (a batch stays all-or-nothing on its own),
// and no request is answered before that COMMIT has returned.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { indexHash, SCHEMA_VERSION, schemaMismatch, schemaSql, statementQuery } from './sql.ts';
import {
  ConflictError,
  type ActivityRow,
  type AttachmentRow,
  type Doc,
  type DocDecision,
  type DocKey,
  type DocScope,
  type KeyRow,
  type StatementFilter,
  type StatementHit,
  type StatementRow,
  type Storage,
} from './types.ts';

export function openSqlite(path: string): Storage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  for (const sql of schemaSql(false)) db.exec(sql);
  const version = db.prepare<[], { value: string }>("SELECT value FROM lrs_meta WHERE key = 'schema_version'").get()?.value;
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw schemaMismatch(String(version));
  }

  const q = {
    hashById: db.prepare<[string], { hash: string }>('SELECT hash FROM statements WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO statements (id, stored_ms, voided, void_target, hash, json) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    isVoidedBy: db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM statements WHERE void_target = ? LIMIT 1',
    ),
    voidTarget: db.prepare('UPDATE statements SET voided = 1 WHERE id = ? AND void_target IS NULL'),
    index: db.prepare('INSERT OR IGNORE INTO statement_index (h, seq) VALUES (?, ?)'),
    attachmentInsert: db.prepare('INSERT OR IGNORE INTO attachments (sha2, content_type, content) VALUES (?, ?, ?)'),
    activityInsert: db.prepare('INSERT OR IGNORE INTO activities (id, definition) VALUES (?, ?)'),
    activityUpsert: db.prepare(
      'INSERT INTO activities (id, definition) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition WHERE definition <> excluded.definition',
    ),
    getStatement: db.prepare<[string], { json: string; voided: number; stored_ms: number }>(
      'SELECT json, voided, stored_ms FROM statements WHERE id = ?',
    ),
    maxSeq: db.prepare<[], { m: number | null }>('SELECT MAX(seq) AS m FROM statements'),
    getActivity: db.prepare<[string], { definition: string }>('SELECT definition FROM activities WHERE id = ?'),
    getDoc: db.prepare<[string, string, string, string, string], any>(
      'SELECT content_type, content, etag, updated_ms FROM documents WHERE kind = ? AND activity_id = ? AND agent = ? AND registration = ? AND doc_id = ?',
    ),
    putDoc: db.prepare(
      `INSERT INTO documents (kind, activity_id, agent, registration, doc_id, content_type, content, etag, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, activity_id, agent, registration, doc_id)
       DO UPDATE SET content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated_ms = excluded.updated_ms`,
    ),
    delDoc: db.prepare(
      'DELETE FROM documents WHERE kind = ? AND activity_id = ? AND agent = ? AND registration = ? AND doc_id = ?',
    ),
    createKey: db.prepare(
      'INSERT INTO keys (id, name, scopes, activity_prefix, write_only, secret_hash, created_ms, revoked_ms, rate_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getKey: db.prepare<[string], any>('SELECT * FROM keys WHERE id = ?'),
    listKeys: db.prepare<[], any>('SELECT * FROM keys ORDER BY created_ms, id'),
    revokeKey: db.prepare('UPDATE keys SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL'),
    countKeys: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM keys'),
    createFirstKey: db.prepare(
      `INSERT INTO keys (id, name, scopes, activity_prefix, write_only, secret_hash, created_ms, revoked_ms, rate_limit)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM keys)`,
    ),
  };

  const insertAll = db.transaction((rows: StatementRow[], activities: ActivityRow[], attachments: AttachmentRow[]) => {
    for (const a of attachments) q.attachmentInsert.run(a.sha2.toLowerCase(), a.contentType, a.content);
    for (const r of rows) {
      const existing = q.hashById.get(r.id);
      if (existing) {
        if (existing.hash !== r.hash) throw new ConflictError(r.id);
        continue;
      }
      // A statement is voided iff a voiding statement targets it and it is not itself voiding.
      const voided = !r.voidTarget && q.isVoidedBy.get(r.id) ? 1 : 0;
      const info = q.insert.run(r.id, r.storedMs, voided, r.voidTarget ?? null, r.hash, r.json);
      const seq = Number(info.lastInsertRowid);
      for (const [kind, value] of r.index) q.index.run(indexHash(kind, value), seq);
      if (r.voidTarget) q.voidTarget.run(r.voidTarget);
    }
    for (const a of activities) (a.overwrite ? q.activityUpsert : q.activityInsert).run(a.id, a.definition);
  });

  interface Job {
    rows: StatementRow[];
    activities: ActivityRow[];
    attachments: AttachmentRow[];
    resolve: () => void;
    reject: (e: unknown) => void;
  }
  let queue: Job[] = [];
  let scheduled = false;
  // Nested better-sqlite3 transactions are savepoints: a failing job rolls back only itself.
  const group = db.transaction((jobs: Job[]) =>
    jobs.map((j) => {
      try {
        insertAll(j.rows, j.activities, j.attachments);
        return undefined;
      } catch (e) {
        return e;
      }
    }),
  );
  const flush = () => {
    scheduled = false;
    const jobs = queue;
    queue = [];
    let outcomes: unknown[];
    try {
      outcomes = group.immediate(jobs);
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    jobs.forEach((j, i) => (outcomes[i] === undefined ? j.resolve() : j.reject(outcomes[i])));
  };

  const scopeWhere = (k: DocScope) => {
    const params: unknown[] = [k.kind, k.activityId, k.agent];
    let sql = 'kind = ? AND activity_id = ? AND agent = ?';
    if (k.registration !== null) {
      sql += ' AND registration = ?';
      params.push(k.registration);
    }
    return { sql, params };
  };

  return {
    kind: 'sqlite',
    insertStatements(rows, activities, attachments = []) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ rows, activities, attachments, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async getStatement(id) {
      const r = q.getStatement.get(id);
      return r && { json: r.json, voided: r.voided === 1, storedMs: r.stored_ms };
    },
    async queryStatements(f: StatementFilter): Promise<StatementHit[]> {
      const { sql, params } = statementQuery(f, () => '?');
      const rows = db.prepare<unknown[], { seq: number; json: string; stored_ms: number }>(sql).all(...params);
      return rows.map((r) => ({ seq: r.seq, json: r.json, storedMs: r.stored_ms }));
    },
    async maxSeq() {
      return q.maxSeq.get()?.m ?? 0;
    },
    async getAttachments(sha2s) {
      if (sha2s.length === 0) return [];
      const rows = db
        .prepare<string[], { sha2: string; content_type: string; content: Buffer }>(
          `SELECT sha2, content_type, content FROM attachments WHERE sha2 IN (${sha2s.map(() => '?').join(', ')})`,
        )
        .all(...sha2s.map((x) => x.toLowerCase()));
      return rows.map((r) => ({ sha2: r.sha2, contentType: r.content_type, content: Buffer.from(r.content) }));
    },
    async getActivity(id) {
      return q.getActivity.get(id)?.definition;
    },
    async getDocument(k) {
      return toDoc(q.getDoc.get(k.kind, k.activityId, k.agent, k.registration, k.docId));
    },
    async listDocumentIds(k, sinceMs) {
      const w = scopeWhere(k);
      if (sinceMs !== undefined) w.params.push(sinceMs);
      const sql = `SELECT doc_id, MAX(updated_ms) AS updated_ms FROM documents WHERE ${w.sql}${sinceMs !== undefined ? ' AND updated_ms > ?' : ''} GROUP BY doc_id ORDER BY doc_id`;
      return db
        .prepare<unknown[], { doc_id: string; updated_ms: number }>(sql)
        .all(...w.params)
        .map((r) => ({ id: r.doc_id, updatedMs: Number(r.updated_ms) }));
    },
    async mutateDocument<R>(k: DocKey, decide: (d: Doc | undefined) => DocDecision<R>): Promise<R> {
      const run = db.transaction(() => {
        const cur = toDoc(q.getDoc.get(k.kind, k.activityId, k.agent, k.registration, k.docId));
        const d = decide(cur);
        if ('write' in d) {
          const w = d.write;
          q.putDoc.run(k.kind, k.activityId, k.agent, k.registration, k.docId, w.contentType, w.content, w.etag, w.updatedMs);
        } else if ('remove' in d) {
          q.delDoc.run(k.kind, k.activityId, k.agent, k.registration, k.docId);
        }
        return d.result;
      });
      return run.immediate();
    },
    async deleteDocuments(k) {
      const w = scopeWhere(k);
      db.prepare(`DELETE FROM documents WHERE ${w.sql}`).run(...w.params);
    },
    async createKey(k: KeyRow) {
      q.createKey.run(k.id, k.name, JSON.stringify(k.scopes), k.activityPrefix, k.writeOnly ? 1 : 0, k.secretHash, k.createdMs, k.revokedMs, k.rateLimit);
    },
    async createFirstKey(k: KeyRow) {
      // One statement: SQLite serialises writers, so two processes cannot both insert.
      const info = q.createFirstKey.run(k.id, k.name, JSON.stringify(k.scopes), k.activityPrefix, k.writeOnly ? 1 : 0, k.secretHash, k.createdMs, k.revokedMs, k.rateLimit);
      return info.changes > 0;
    },
    async getKey(id) {
      const r = q.getKey.get(id);
      return r && toKey(r);
    },
    async listKeys() {
      return q.listKeys.all().map(toKey);
    },
    async revokeKey(id, atMs) {
      return q.revokeKey.run(atMs, id).changes > 0;
    },
    async countKeys() {
      return q.countKeys.get()!.n;
    },
    async close() {
      if (queue.length > 0) flush();
      db.close();
    },
  };
}

function toDoc(r: any): Doc | undefined {
  return r && { contentType: r.content_type, content: Buffer.from(r.content), etag: r.etag, updatedMs: Number(r.updated_ms) };
}

export function toKey(r: any): KeyRow {
  return {
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes),
    activityPrefix: r.activity_prefix ?? null,
    writeOnly: Number(r.write_only) === 1,
    secretHash: r.secret_hash,
    createdMs: Number(r.created_ms),
    revokedMs: r.revoked_ms == null ? null : Number(r.revoked_ms),
    rateLimit: r.rate_limit == null ? null : Number(r.rate_limit),
  };
}
