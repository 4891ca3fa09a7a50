// PostgreSQL store: the path to more than one machine. Any number of LRS processes can
// share one database; nothing lives in a process (ordering comes from a sequence, `more`
// tokens carry their own state, ETag checks run under row locks). Each batch is one
// transaction with set-based inserts, so a batch of 50 costs a handful of round trips.
import pg from 'pg';
import { indexHash, SCHEMA_VERSION, schemaMismatch, schemaSql, statementQuery } from './sql.ts';
import { toKey } from './sqlite.ts';
import { ConflictError, type Doc, type DocDecision, type DocKey, type DocScope, type Storage } from './types.ts';

const SCHEMA_LOCK = 842_003;

export async function openPostgres(url: string, opts: { poolSize?: number } = {}): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // Idle clients can error when the server goes away; without a listener that would crash the process.
  pool.on('error', () => {});
  const client = await pool.connect();
  try {
    // Several processes may start together on an empty database: create the schema once.
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    for (const sql of schemaSql(true)) await client.query(sql);
    const version = (await client.query("SELECT value FROM lrs_meta WHERE key = 'schema_version'")).rows[0]?.value;
    if (version !== SCHEMA_VERSION) throw schemaMismatch(String(version));
  } catch (e) {
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]).catch(() => {});
    client.release();
    await pool.end();
    throw e;
  }
  await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]).catch(() => {});
  client.release();

  async function tx<R>(fn: (c: pg.PoolClient) => Promise<R>): Promise<R> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  const scopeWhere = (k: DocScope, params: unknown[]) => {
    params.push(k.kind, k.activityId, k.agent);
    let sql = 'kind = $1 AND activity_id = $2 AND agent = $3';
    if (k.registration !== null) {
      params.push(k.registration);
      sql += ` AND registration = $${params.length}`;
    }
    return sql;
  };
  const docWhere = 'kind = $1 AND activity_id = $2 AND agent = $3 AND registration = $4 AND doc_id = $5';
  const docParams = (k: DocKey) => [k.kind, k.activityId, k.agent, k.registration, k.docId];

  return {
    kind: 'postgres',
    async insertStatements(rows, activities, attachments = []) {
      if (rows.length === 0) return;
      await tx(async (c) => {
        for (const a of attachments) {
          await c.query('INSERT INTO attachments (sha2, content_type, content) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [a.sha2.toLowerCase(), a.contentType, a.content]);
        }
        // One round trip for the rows, their filter index and "voided on arrival" (a voiding
        // statement that came first); conflicts and voiding are rare and checked after.
        const idxIds: string[] = [];
        const hashes: string[] = [];
        for (const r of rows) {
          for (const [k, v] of r.index) {
            idxIds.push(r.id);
            hashes.push(indexHash(k, v).toString());
          }
        }
        const inserted = await c.query<{ id: string; seq: string }>(
          `WITH data AS (
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS d(id, stored_ms, void_target, hash, json)
           ), ins AS (
             INSERT INTO statements (id, stored_ms, voided, void_target, hash, json)
             SELECT d.id, d.stored_ms,
                    CASE WHEN d.void_target IS NULL AND EXISTS (SELECT 1 FROM statements v WHERE v.void_target = d.id) THEN 1 ELSE 0 END,
                    d.void_target, d.hash, d.json
             FROM data d
             ON CONFLICT (id) DO NOTHING RETURNING id, seq
           ), idx AS (
             INSERT INTO statement_index (h, seq)
             SELECT x.h, ins.seq FROM unnest($6::text[], $7::bigint[]) AS x(id, h) JOIN ins ON ins.id = x.id
             ON CONFLICT DO NOTHING
           )
           SELECT id, seq FROM ins`,
          [rows.map((r) => r.id), rows.map((r) => r.storedMs), rows.map((r) => r.voidTarget ?? null), rows.map((r) => r.hash), rows.map((r) => r.json), idxIds, hashes],
        );
        const seqOf = new Map(inserted.rows.map((r) => [r.id, Number(r.seq)]));
        const skipped = rows.filter((r) => !seqOf.has(r.id));
        if (skipped.length > 0) {
          const existing = await c.query<{ id: string; hash: string }>('SELECT id, hash FROM statements WHERE id = ANY($1::text[])', [skipped.map((r) => r.id)]);
          const hashOf = new Map(existing.rows.map((r) => [r.id, r.hash]));
          const clash = skipped.find((r) => hashOf.get(r.id) !== r.hash);
          if (clash) throw new ConflictError(clash.id);
        }
        const fresh = rows.filter((r) => seqOf.has(r.id));
        if (fresh.length === 0) return;
        const targets = fresh.filter((r) => r.voidTarget).map((r) => r.voidTarget!);
        if (targets.length > 0) {
          await c.query('UPDATE statements SET voided = 1 WHERE id = ANY($1::text[]) AND void_target IS NULL', [targets]);
        }
        for (const overwrite of [false, true]) {
          const list = activities.filter((a) => a.overwrite === overwrite);
          if (list.length === 0) continue;
          // The last definition in the batch wins. Rows whose definition is unchanged are left
          // alone (an upsert would lock them until commit and serialise concurrent writers),
          // and ids are sorted so two writers always lock in the same order (no deadlock).
          const byId = new Map(list.map((a) => [a.id, a.definition]));
          const ids = [...byId.keys()].sort();
          await c.query(
            `INSERT INTO activities (id, definition)
             SELECT x.id, x.definition FROM unnest($1::text[], $2::text[]) AS x(id, definition)
             WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.id = x.id${overwrite ? ' AND a.definition = x.definition' : ''})
             ORDER BY x.id
             ON CONFLICT (id) DO ${overwrite ? 'UPDATE SET definition = excluded.definition' : 'NOTHING'}`,
            [ids, ids.map((id) => byId.get(id)!)],
          );
        }
      });
    },
    async getStatement(id) {
      const r = await pool.query('SELECT json, voided, stored_ms FROM statements WHERE id = $1', [id]);
      const row = r.rows[0];
      return row && { json: row.json, voided: Number(row.voided) === 1, storedMs: Number(row.stored_ms) };
    },
    async queryStatements(f) {
      const { sql, params } = statementQuery(f, (n) => `$${n}`, true);
      const r = await pool.query(sql, params);
      return r.rows.map((row) => ({ seq: Number(row.seq), json: row.json, storedMs: Number(row.stored_ms) }));
    },
    async maxSeq() {
      const r = await pool.query('SELECT MAX(seq) AS m FROM statements');
      return Number(r.rows[0].m ?? 0);
    },
    async getAttachments(sha2s) {
      if (sha2s.length === 0) return [];
      const r = await pool.query('SELECT sha2, content_type, content FROM attachments WHERE sha2 = ANY($1::text[])', [sha2s.map((x) => x.toLowerCase())]);
      return r.rows.map((row) => ({ sha2: row.sha2, contentType: row.content_type, content: Buffer.from(row.content) }));
    },
    async getActivity(id) {
      const r = await pool.query('SELECT definition FROM activities WHERE id = $1', [id]);
      return r.rows[0]?.definition;
    },
    async getDocument(k) {
      const r = await pool.query(`SELECT content_type, content, etag, updated_ms FROM documents WHERE ${docWhere}`, docParams(k));
      return toDoc(r.rows[0]);
    },
    async listDocumentIds(k, sinceMs) {
      const params: unknown[] = [];
      let sql = `SELECT doc_id, MAX(updated_ms) AS updated_ms FROM documents WHERE ${scopeWhere(k, params)}`;
      if (sinceMs !== undefined) {
        params.push(sinceMs);
        sql += ` AND updated_ms > $${params.length}`;
      }
      const r = await pool.query(`${sql} GROUP BY doc_id ORDER BY doc_id`, params);
      return r.rows.map((row) => ({ id: row.doc_id, updatedMs: Number(row.updated_ms) }));
    },
    async mutateDocument<R>(k: DocKey, decide: (d: Doc | undefined) => DocDecision<R>): Promise<R> {
      return tx(async (c) => {
        // Serialise writers of one document, including the first write (no row to lock yet).
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [JSON.stringify(docParams(k))]);
        const cur = toDoc((await c.query(`SELECT content_type, content, etag, updated_ms FROM documents WHERE ${docWhere}`, docParams(k))).rows[0]);
        const d = decide(cur);
        if ('write' in d) {
          const w = d.write;
          await c.query(
            `INSERT INTO documents (kind, activity_id, agent, registration, doc_id, content_type, content, etag, updated_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (kind, activity_id, agent, registration, doc_id)
             DO UPDATE SET content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated_ms = excluded.updated_ms`,
            [...docParams(k), w.contentType, w.content, w.etag, w.updatedMs],
          );
        } else if ('remove' in d) {
          await c.query(`DELETE FROM documents WHERE ${docWhere}`, docParams(k));
        }
        return d.result;
      });
    },
    async deleteDocuments(k) {
      const params: unknown[] = [];
      await pool.query(`DELETE FROM documents WHERE ${scopeWhere(k, params)}`, params);
    },
    async createKey(k) {
      await pool.query(
        'INSERT INTO keys (id, name, scopes, activity_prefix, write_only, secret_hash, created_ms, revoked_ms, rate_limit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [k.id, k.name, JSON.stringify(k.scopes), k.activityPrefix, k.writeOnly ? 1 : 0, k.secretHash, k.createdMs, k.revokedMs, k.rateLimit],
      );
    },
    async createFirstKey(k) {
      // READ COMMITTED does not stop two INSERT ... WHERE NOT EXISTS; the advisory lock does.
      return tx(async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK + 1]);
        const r = await c.query(
          `INSERT INTO keys (id, name, scopes, activity_prefix, write_only, secret_hash, created_ms, revoked_ms, rate_limit)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE NOT EXISTS (SELECT 1 FROM keys)`,
          [k.id, k.name, JSON.stringify(k.scopes), k.activityPrefix, k.writeOnly ? 1 : 0, k.secretHash, k.createdMs, k.revokedMs, k.rateLimit],
        );
        return (r.rowCount ?? 0) > 0;
      });
    },
    async getKey(id) {
      const r = await pool.query('SELECT * FROM keys WHERE id = $1', [id]);
      return r.rows[0] && toKey(r.rows[0]);
    },
    async listKeys() {
      return (await pool.query('SELECT * FROM keys ORDER BY created_ms, id')).rows.map(toKey);
    },
    async revokeKey(id, atMs) {
      return ((await pool.query('UPDATE keys SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL', [atMs, id])).rowCount ?? 0) > 0;
    },
    async countKeys() {
      return Number((await pool.query('SELECT COUNT(*) AS n FROM keys')).rows[0].n);
    },
    async close() {
      await pool.end();
    },
  };
}

function toDoc(r: any): Doc | undefined {
  return r && { contentType: r.content_type, content: Buffer.from(r.content), etag: r.etag, updatedMs: Number(r.updated_ms) };
}
