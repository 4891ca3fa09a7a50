// The Statement Resource: PUT/POST to store (validated, all-or-nothing, 409 on a reused
// id with different content), GET one by statementId/voidedStatementId or many with the
// xAPI filters, paged by stateless `more` tokens that fix the upper bound of the first
// page so paging stays stable while statements keep arriving.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../errors.ts';
import { allows, withinPrefix } from '../keys.ts';
import { agentParam, httpError, LrsHttpError, parseJsonBody, single } from '../http.ts';
import { ConflictError, type StatementFilter, type Storage } from '../storage/types.ts';
import { activityIris, inheritedIndex, KIND, parseAcceptLanguage, prepareStatement, renderStatement, type Format } from '../statements.ts';
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

  async function store(req: FastifyRequest, list: unknown[]): Promise<string[]> {
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
      for (const [j, a] of (s.attachments ?? []).entries()) {
        if (!a.fileUrl) {
          problems.push(
            httpError(400, 'LRS_ATTACHMENTS_UNSUPPORTED', 'attachment content cannot be sent to this LRS; give the attachment a fileUrl instead', {
              path: `${at}attachments[${j}].fileUrl`,
            }).problems[0]!,
          );
        }
      }
    });
    if (problems.length > 0) throw new LrsHttpError(400, problems.slice(0, 50));
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
    const t = now();
    const inBatch = new Map((list as Array<Record<string, any>>).filter((s) => s.id).map((s) => [String(s.id).toLowerCase(), s]));
    const lookup = async (id: string) => {
      const hit = inBatch.get(id.toLowerCase());
      if (hit) return hit;
      const stored = await o.storage.getStatement(id.toLowerCase());
      return stored && JSON.parse(stored.json);
    };
    const prepared = [];
    for (const st of list as Array<Record<string, any>>) {
      const inherited = st.object.objectType === 'StatementRef' ? await inheritedIndex(st, lookup) : undefined;
      prepared.push(prepareStatement(st, { key, homePage: o.homePage, now: t, inherited }));
    }
    try {
      await o.storage.insertStatements(
        prepared.map((p) => p.row),
        prepared.flatMap((p) => p.activities),
      );
    } catch (e) {
      if (e instanceof ConflictError) {
        throw httpError(409, 'XAPI_CONFLICT', `statement ${e.statementId} already exists with different content; statements are immutable`, { path: 'id' });
      }
      throw e;
    }
    return prepared.map((p) => p.row.id);
  }

  app.post(`${o.basePath}statements`, async (req, reply) => {
    if (Object.keys(req.query as object).length > 0) throw httpError(400, 'LRS_PARAM', 'POST /statements takes no query parameters');
    const body = parseJsonBody(req.body, req.headers['content-type']);
    const list = Array.isArray(body) ? body : [body];
    return reply.code(200).send(await store(req, list));
  });

  app.put(`${o.basePath}statements`, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const id = single(q.statementId, 'statementId');
    if (!isUuid(id)) throw httpError(400, 'LRS_PARAM', 'PUT /statements needs a statementId UUID', { path: 'statementId' });
    const extra = Object.keys(q).filter((k) => k !== 'statementId');
    if (extra.length) throw httpError(400, 'LRS_PARAM', `unexpected parameter ${extra.join(', ')}`);
    const body = parseJsonBody(req.body, req.headers['content-type']);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw httpError(400, 'XAPI_STATEMENT_INVALID', 'PUT takes one statement object');
    const st = body as Record<string, any>;
    if (st.id !== undefined && String(st.id).toLowerCase() !== id.toLowerCase()) {
      throw httpError(400, 'XAPI_STATEMENT_INVALID', 'the statement id does not match statementId', { path: 'id' });
    }
    await store(req, [{ ...st, id: st.id ?? id }]);
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
    reply.header('X-Experience-API-Consistent-Through', new Date(Math.max(Date.now(), lastNow)).toISOString());
    const format = (single(q.format, 'format') ?? 'exact') as Format;
    if (!['exact', 'ids', 'canonical'].includes(format)) throw httpError(400, 'LRS_PARAM', 'format must be ids, exact or canonical', { path: 'format' });
    const attachments = bool(q.attachments, 'attachments');
    const send = (payload: unknown) => sendMaybeMultipart(reply, payload, attachments);

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
      return send(renderStatement(found.json, format, langs));
    }

    let filter: StatementFilter;
    let fmt = format;
    let withAttachments = attachments;
    const more = single(q.more, 'more');
    if (more !== undefined) {
      const t = decodeMore(more);
      filter = t.filter;
      fmt = t.format;
      withAttachments = t.attachments;
    } else {
      filter = await filterFromQuery(q);
      filter.upperSeq = await o.storage.maxSeq();
    }
    const hits = await o.storage.queryStatements({ ...filter, limit: filter.limit + 1 });
    const page = hits.slice(0, filter.limit);
    const statements = page.map((h) => renderStatement(h.json, fmt, langs));
    let moreUrl = '';
    if (hits.length > filter.limit) {
      const next: StatementFilter = { ...filter, afterSeq: page[page.length - 1]!.seq };
      moreUrl = `${o.basePath}statements?more=${encodeMore({ filter: next, format: fmt, attachments: withAttachments })}`;
    }
    return sendMaybeMultipart(reply, { statements, more: moreUrl }, withAttachments);
  });

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

function decodeMore(s: string): MoreToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as MoreToken;
    if (!t.filter || !Array.isArray(t.filter.match) || typeof t.filter.limit !== 'number') throw new Error('shape');
    return t;
  } catch {
    throw httpError(400, 'LRS_PARAM', 'more is not a token this LRS issued', { path: 'more' });
  }
}

/**
 * With attachments=true the response must be multipart/mixed. This LRS stores no
 * attachment content (only fileUrl references), so the multipart has one JSON part.
 */
function sendMaybeMultipart(reply: FastifyReply, payload: unknown, attachments: boolean) {
  if (!attachments) return reply.type('application/json').send(payload);
  const boundary = `coursepack-${Date.now().toString(36)}`;
  const body = `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(payload)}\r\n--${boundary}--\r\n`;
  return reply.type(`multipart/mixed; boundary=${boundary}`).send(body);
}
