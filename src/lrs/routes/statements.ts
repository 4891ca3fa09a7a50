// The Statement Resource: PUT/POST to store (validated, all-or-nothing, 409 on a reused
// id with different content), GET one by statementId/voidedStatementId or many with the
// xAPI filters, paged by stateless `more` tokens that fix the upper bound of the first
// page so paging stays stable while statements keep arriving.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../errors.ts';
import { allows, withinPrefix } from '../keys.ts';
import { agentParam, httpError, LrsHttpError, parseJsonBody, parseJsonBytes, single } from '../http.ts';
import { boundaryOf, buildMultipart, parseMultipart, sha2Matches, type Part } from '../multipart.ts';
import { ConflictError, type AttachmentRow, type StatementFilter, type Storage } from '../storage/types.ts';
import { activityIdsIn, activityIris, inheritedIndex, KIND, parseAcceptLanguage, prepareStatement, renderStatement, type Format } from '../statements.ts';
import { isIri, isTimestamp, isUuid, validateStatement, VOIDED_VERB } from '../validate.ts';

export interface StatementRouteOptions {
  storage: Storage;
  /** account.homePage of the authority the LRS puts on stored statements. */
  homePage: string;
  /** Path of the xAPI endpoint, e.g. `/xapi/`. */
  basePath: string;
  maxLimit: number;
  maxBatch: number;
}

const GET_PARAMS = new Set([
  'statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities',
  'related_agents', 'since', 'until', 'limit', 'format', 'attachments', 'ascending', 'more',
]);

export function statementRoutes(app: FastifyInstance, o: StatementRouteOptions): void {
  let lastNow = 0;
  // `stored` must never go backwards within a process, or since/until would skip statements.
  const now = () => (lastNow = Math.max(Date.now(), lastNow));
  // Stored times handed out but not yet committed: Consistent-Through must stay before them.
  const pending = new Map<number, number>();
  const consistentThrough = () => {
    const oldest = pending.size > 0 ? Math.min(...pending.keys()) - 1 : Math.max(Date.now(), lastNow);
    return new Date(oldest).toISOString();
  };

  // Every Statement Resource response, writes and errors included, says how current reads are.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.split('?')[0] === `${o.basePath}statements`) reply.header('X-Experience-API-Consistent-Through', consistentThrough());
  });

  /** Canonical definitions for the activities in these statements (canonical format only). */
  async function definitionsFor(jsons: string[], format: Format): Promise<Map<string, Record<string, any>>> {
    const defs = new Map<string, Record<string, any>>();
    if (format !== 'canonical') return defs;
    for (const id of activityIdsIn(jsons.map((j) => JSON.parse(j)))) {
      const d = await o.storage.getActivity(id);
      if (d) defs.set(id, JSON.parse(d));
    }
    return defs;
  }

  async function store(req: FastifyRequest, list: unknown[], parts: Part[]): Promise<string[]> {
    const key = req.key!;
    if (!allows(key, 'statements:write')) throw httpError(403, 'LRS_FORBIDDEN', 'this key may not write statements');
    if (list.length > o.maxBatch) {
      throw httpError(413, 'LRS_BATCH_TOO_LARGE', `a batch may hold at most ${o.maxBatch} statements, got ${list.length}`);
    }
    const problems: Problem[] = [];
    const seen = new Set<string>();
    list.forEach((st, i) => {
      const at = list.length > 1 || Array.isArray(req.body) ? `[${i}]` : '';
      const p = validateStatement(st, at);
      problems.push(...p);
      if (p.length > 0) return;
      const s = st as Record<string, any>;
      if (s.id !== undefined) {
        if (seen.has(s.id.toLowerCase())) problems.push(httpError(400, 'XAPI_DUPLICATE_ID', `statement id ${s.id} appears twice in the batch`, { path: `${at}id` }).problems[0]!);
        seen.add(s.id.toLowerCase());
      }
    });
    if (problems.length > 0) throw new LrsHttpError(400, problems.slice(0, 50));
    const attachments = attachmentContent(list as Array<Record<string, any>>, parts);
    if (key.activityPrefix) {
      for (const [i, st] of list.entries()) {
        const s = st as Record<string, any>;
        const objType = s.object.objectType ?? 'Activity';
        const subObjType = s.object.object?.objectType ?? 'Activity';
        if (objType !== 'Activity' && !(objType === 'SubStatement' && subObjType === 'Activity')) {
          throw httpError(403, 'LRS_PREFIX', `this key may only write statements about activities under ${key.activityPrefix}`, { path: `[${i}].object` });
        }
        const outside = activityIris(s).find((a) => !withinPrefix(key, a.iri));
        if (outside) {
          throw httpError(403, 'LRS_PREFIX', `${outside.iri} is outside this key's activity prefix ${key.activityPrefix}`, { path: `[${i}].${outside.path}` });
        }
      }
    }
    // A voiding statement cannot target another voiding statement.
    for (const st of list as Array<Record<string, any>>) {
      if (st.verb.id !== VOIDED_VERB) continue;
      const target = await o.storage.getStatement(String(st.object.id).toLowerCase());
      if (target && JSON.parse(target.json).verb.id === VOIDED_VERB) {
        throw httpError(400, 'XAPI_VOID_VOIDING', `statement ${st.object.id} is itself a voiding statement and cannot be voided`, { path: 'object.id' });
      }
    }
    const inBatch = new Map((list as Array<Record<string, any>>).filter((s) => s.id).map((s) => [String(s.id).toLowerCase(), s]));
    const lookup = async (id: string) => {
      const hit = inBatch.get(id.toLowerCase());
      if (hit) return hit;
      const stored = await o.storage.getStatement(id.toLowerCase());
      return stored && JSON.parse(stored.json);
    };
    const inherited: Array<Array<[string, string]> | undefined> = [];
    for (const st of list as Array<Record<string, any>>) {
      inherited.push(st.object.objectType === 'StatementRef' ? await inheritedIndex(st, lookup) : undefined);
    }
    // No await between taking the stored time and queueing the write, so stored order is commit order.
    const t = now();
    const prepared = (list as Array<Record<string, any>>).map((st, i) => prepareStatement(st, { key, homePage: o.homePage, now: t, inherited: inherited[i] }));
    pending.set(t, (pending.get(t) ?? 0) + 1);
    try {
      await o.storage.insertStatements(
        prepared.map((p) => p.row),
        prepared.flatMap((p) => p.activities),
        attachments,
      );
    } catch (e) {
      if (e instanceof ConflictError) {
        throw httpError(409, 'XAPI_CONFLICT', `statement ${e.statementId} already exists with different content; statements are immutable`, { path: 'id' });
      }
      throw e;
    } finally {
      const n = pending.get(t)! - 1;
      if (n === 0) pending.delete(t);
      else pending.set(t, n);
    }
    return prepared.map((p) => p.row.id);
  }

  app.post(`${o.basePath}statements`, async (req, reply) => {
    if (Object.keys(req.query as object).length > 0) throw httpError(400, 'LRS_PARAM', 'POST /statements takes no query parameters');
    const { body, parts } = readBody(req);
    const list = Array.isArray(body) ? body : [body];
    return reply.code(200).send(await store(req, list, parts));
  });

  app.put(`${o.basePath}statements`, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const id = single(q.statementId, 'statementId');
    if (!isUuid(id)) throw httpError(400, 'LRS_PARAM', 'PUT /statements needs a statementId UUID', { path: 'statementId' });
    const extra = Object.keys(q).filter((k) => k !== 'statementId');
    if (extra.length) throw httpError(400, 'LRS_PARAM', `unexpected parameter ${extra.join(', ')}`);
    const { body, parts } = readBody(req);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw httpError(400, 'XAPI_STATEMENT_INVALID', 'PUT takes one statement object');
    const st = body as Record<string, any>;
    if (st.id !== undefined && String(st.id).toLowerCase() !== id.toLowerCase()) {
      throw httpError(400, 'XAPI_STATEMENT_INVALID', 'the statement id does not match statementId', { path: 'id' });
    }
    await store(req, [{ ...st, id: st.id ?? id }], parts);
    return reply.code(204).send();
  });

  app.get(`${o.basePath}statements`, async (req, reply) => {
    const key = req.key!;
    if (!allows(key, 'statements:read')) {
      throw httpError(403, 'LRS_FORBIDDEN', key.writeOnly ? 'this key is write-only and can never read statements' : 'this key may not read statements');
    }
    const q = req.query as Record<string, unknown>;
    const unknown = Object.keys(q).filter((k) => !GET_PARAMS.has(k));
    if (unknown.length) throw httpError(400, 'LRS_PARAM', `unknown parameter ${unknown.join(', ')}`, { path: unknown[0] });
    const langs = parseAcceptLanguage(req.headers['accept-language']);
    const format = (single(q.format, 'format') ?? 'exact') as Format;
    if (!['exact', 'ids', 'canonical'].includes(format)) throw httpError(400, 'LRS_PARAM', 'format must be ids, exact or canonical', { path: 'format' });
    const attachments = bool(q.attachments, 'attachments');
    const send = (payload: Record<string, any>) => sendMaybeMultipart(reply, JSON.stringify(payload), [payload], attachments);

    const sid = single(q.statementId, 'statementId');
    const vid = single(q.voidedStatementId, 'voidedStatementId');
    if (sid !== undefined || vid !== undefined) {
      const others = Object.keys(q).filter((k) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(k));
      if (others.length || (sid !== undefined && vid !== undefined)) {
        throw httpError(400, 'LRS_PARAM', 'statementId/voidedStatementId cannot be combined with other filters');
      }
      const id = (sid ?? vid)!;
      if (!isUuid(id)) throw httpError(400, 'LRS_PARAM', 'must be a UUID', { path: sid ? 'statementId' : 'voidedStatementId' });
      const found = await o.storage.getStatement(id.toLowerCase());
      if (!found || found.voided !== (vid !== undefined)) {
        throw httpError(404, 'XAPI_NOT_FOUND', vid ? `no voided statement ${id}` : `no statement ${id}`);
      }
      reply.header('Last-Modified', new Date(found.storedMs).toUTCString());
      // exact: the stored JSON is already the statement as it must be returned (see prepareStatement).
      if (format === 'exact') return sendMaybeMultipart(reply, found.json, statementsWithAttachments([found.json], attachments), attachments);
      return send(renderStatement(found.json, format, langs, await definitionsFor([found.json], format)));
    }

    let filter: StatementFilter;
    let fmt = format;
    let withAttachments = attachments;
    const more = single(q.more, 'more');
    if (more !== undefined) {
      const t = decodeMore(more, o.maxLimit);
      filter = t.filter;
      fmt = t.format;
      withAttachments = t.attachments;
    } else {
      filter = await filterFromQuery(q);
      filter.upperSeq = await o.storage.maxSeq();
    }
    const hits = await o.storage.queryStatements({ ...filter, limit: filter.limit + 1 });
    const page = hits.slice(0, filter.limit);
    let moreUrl = '';
    if (hits.length > filter.limit) {
      const next: StatementFilter = { ...filter, afterSeq: page[page.length - 1]!.seq };
      moreUrl = `${o.basePath}statements?more=${encodeMore({ filter: next, format: fmt, attachments: withAttachments })}`;
    }
    if (fmt === 'exact') {
      // The stored JSON is byte for byte what JSON.stringify(JSON.parse(stored)) would give, so
      // splice it in instead of parsing and re-serialising every statement of the page.
      const jsons = page.map((h) => h.json);
      const body = `{"statements":[${jsons.join(',')}],"more":${JSON.stringify(moreUrl)}}`;
      return sendMaybeMultipart(reply, body, statementsWithAttachments(jsons, withAttachments), withAttachments);
    }
    const defs = await definitionsFor(page.map((h) => h.json), fmt);
    const statements = page.map((h) => renderStatement(h.json, fmt, langs, defs));
    return sendMaybeMultipart(reply, JSON.stringify({ statements, more: moreUrl }), statements, withAttachments);
  });

  /**
   * With attachments=true the response is multipart/mixed: the JSON, then the content of
   * every attachment (by sha2) the returned statements carry and this LRS holds.
   * `body` is the serialised JSON response; `statements` are the parsed statements whose
   * attachments count (only needed when `attachments`).
   */
  async function sendMaybeMultipart(reply: FastifyReply, body: string, statements: Array<Record<string, any>>, attachments: boolean) {
    if (!attachments) return reply.type('application/json').send(body);
    const wanted = new Set<string>();
    for (const st of statements) {
      for (const a of [...(st.attachments ?? []), ...(st.object?.attachments ?? [])]) if (a.sha2) wanted.add(String(a.sha2).toLowerCase());
    }
    const found = await o.storage.getAttachments([...wanted]);
    const m = buildMultipart(body, found);
    return reply.type(m.type).send(m.body);
  }

  async function filterFromQuery(q: Record<string, unknown>): Promise<StatementFilter> {
    const match: Array<[string, string]> = [];
    const relatedAgents = bool(q.related_agents, 'related_agents');
    const relatedActivities = bool(q.related_activities, 'related_activities');
    if (q.agent !== undefined) match.push([relatedAgents ? KIND.relatedAgent : KIND.agent, agentParam(single(q.agent, 'agent')).key]);
    const verb = single(q.verb, 'verb');
    if (verb !== undefined) {
      if (!isIri(verb)) throw httpError(400, 'LRS_PARAM', 'verb must be an IRI', { path: 'verb' });
      match.push([KIND.verb, verb]);
    }
    const activity = single(q.activity, 'activity');
    if (activity !== undefined) {
      if (!isIri(activity)) throw httpError(400, 'LRS_PARAM', 'activity must be an IRI', { path: 'activity' });
      match.push([relatedActivities ? KIND.relatedActivity : KIND.activity, activity]);
    }
    const registration = single(q.registration, 'registration');
    if (registration !== undefined) {
      if (!isUuid(registration)) throw httpError(400, 'LRS_PARAM', 'registration must be a UUID', { path: 'registration' });
      match.push([KIND.registration, registration]);
    }
    const limitRaw = single(q.limit, 'limit');
    let limit = o.maxLimit;
    if (limitRaw !== undefined) {
      if (!/^\d+$/.test(limitRaw)) throw httpError(400, 'LRS_PARAM', 'limit must be a non-negative integer', { path: 'limit' });
      limit = Number(limitRaw) === 0 ? o.maxLimit : Math.min(Number(limitRaw), o.maxLimit);
    }
    return {
      match,
      sinceMs: time(q.since, 'since'),
      untilMs: time(q.until, 'until'),
      ascending: bool(q.ascending, 'ascending'),
      limit,
    };
  }
}

/**
 * Parsed stored statements for the attachments=true part list; none otherwise. A statement
 * whose JSON never mentions "attachments" has none (nor does its SubStatement), so it is not parsed.
 */
function statementsWithAttachments(jsons: string[], attachments: boolean): Array<Record<string, any>> {
  return attachments ? jsons.filter((j) => j.includes('"attachments"')).map((j) => JSON.parse(j)) : [];
}

function time(v: unknown, name: string): number | undefined {
  const s = single(v, name);
  if (s === undefined) return undefined;
  if (!isTimestamp(s)) throw httpError(400, 'LRS_PARAM', `${name} must be an ISO 8601 timestamp`, { path: name });
  // Stored times have millisecond precision; a finer `since` must not match the same millisecond.
  return Math.floor(Date.parse(s));
}

function bool(v: unknown, name: string): boolean {
  const s = single(v, name);
  if (s === undefined) return false;
  if (s !== 'true' && s !== 'false') throw httpError(400, 'LRS_PARAM', `${name} must be true or false`, { path: name });
  return s === 'true';
}

interface MoreToken {
  filter: StatementFilter;
  format: Format;
  attachments: boolean;
}

function encodeMore(t: MoreToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeMore(s: string, maxLimit: number): MoreToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as MoreToken;
    const f = t.filter;
    const num = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
    const pairs = Array.isArray(f?.match) && f.match.every((m) => Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === 'string'));
    if (!pairs || !num(f.sinceMs) || !num(f.untilMs) || !num(f.upperSeq) || !num(f.afterSeq) || typeof f.limit !== 'number') throw new Error('shape');
    if (!['exact', 'ids', 'canonical'].includes(t.format)) throw new Error('format');
    // A token is client-held: never let it ask for more than a page.
    f.limit = Math.max(1, Math.min(f.limit, maxLimit));
    f.ascending = f.ascending === true;
    return t;
  } catch {
    throw httpError(400, 'LRS_PARAM', 'more is not a token this LRS issued', { path: 'more' });
  }
}

/** The statement JSON and, for multipart/mixed, the attachment parts after it. */
function readBody(req: FastifyRequest): { body: unknown; parts: Part[] } {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/mixed\s*(;|$)/i.test(type)) return { body: parseJsonBody(req.body, type), parts: [] };
  const all = parseMultipart(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), boundaryOf(type));
  const [first, ...parts] = all;
  if (!first || !/^application\/json\s*(;|$)/i.test(first.headers['content-type'] ?? '')) {
    throw httpError(400, 'LRS_MULTIPART', 'the first part of a multipart/mixed request must be the statement JSON (Content-Type: application/json)');
  }
  return { body: parseJsonBytes(first.body), parts };
}

/**
 * Matches attachment parts to the statements' attachments (xAPI 1.0.3 Attachments):
 * every attachment without a fileUrl needs a part with its sha2, every part must belong to
 * an attachment, and every part's bytes must hash to its X-Experience-API-Hash.
 */
function attachmentContent(list: Array<Record<string, any>>, parts: Part[]): AttachmentRow[] {
  const declared = new Map<string, { contentType: string; needsContent: boolean; path: string }>();
  list.forEach((st, i) => {
    const at = list.length > 1 ? `[${i}].` : '';
    const all = [...(st.attachments ?? []).map((a: any, j: number) => [a, `${at}attachments[${j}]`]), ...(st.object?.attachments ?? []).map((a: any, j: number) => [a, `${at}object.attachments[${j}]`])];
    for (const [a, path] of all) {
      const sha2 = String(a.sha2).toLowerCase();
      const prev = declared.get(sha2);
      declared.set(sha2, { contentType: a.contentType, needsContent: (prev?.needsContent ?? false) || !a.fileUrl, path: prev?.path ?? path });
    }
  });
  const byHash = new Map<string, Part>();
  for (const [i, p] of parts.entries()) {
    const hash = p.headers['x-experience-api-hash']?.toLowerCase();
    if (!hash) throw httpError(400, 'LRS_MULTIPART', `attachment part ${i + 1} has no X-Experience-API-Hash header`);
    const enc = p.headers['content-transfer-encoding'];
    if (enc && enc.toLowerCase() !== 'binary') throw httpError(400, 'LRS_MULTIPART', `attachment part ${i + 1}: Content-Transfer-Encoding must be binary`);
    if (!declared.has(hash)) throw httpError(400, 'LRS_ATTACHMENT_UNREFERENCED', `attachment part ${i + 1} (${hash}) belongs to no attachment in the statements`);
    if (!sha2Matches(p.body, hash)) throw httpError(400, 'LRS_ATTACHMENT_HASH', `attachment part ${i + 1}: its content does not match its SHA-2 ${hash}`);
    byHash.set(hash, p);
  }
  const out: AttachmentRow[] = [];
  for (const [sha2, d] of declared) {
    const part = byHash.get(sha2);
    if (!part) {
      if (d.needsContent) {
        throw httpError(400, 'LRS_ATTACHMENT_MISSING', 'an attachment without fileUrl needs its content as a multipart/mixed part with X-Experience-API-Hash', { path: `${d.path}.sha2` });
      }
      continue;
    }
    out.push({ sha2, contentType: part.headers['content-type'] ?? d.contentType, content: Buffer.from(part.body) });
  }
  return out;
}
