// Document Resources (State, Activity Profile, Agent Profile) plus Activities, Agents and
// About. Documents carry an ETag (SHA-1 of the content); If-Match / If-None-Match are
// checked inside the same store transaction as the write, and POST merges JSON objects.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allows, withinPrefix, type Action } from '../keys.ts';
import { agentParam, httpError, single } from '../http.ts';
import type { Doc, DocKey, Storage } from '../storage/types.ts';
import { isIri, isTimestamp, isUuid, tooDeep } from '../validate.ts';

type Kind = DocKey['kind'];

const RESOURCES: Array<{ kind: Kind; path: string; idParam: string; needsActivity: boolean; needsAgent: boolean }> = [
  { kind: 'state', path: 'activities/state', idParam: 'stateId', needsActivity: true, needsAgent: true },
  { kind: 'activity_profile', path: 'activities/profile', idParam: 'profileId', needsActivity: true, needsAgent: false },
  { kind: 'agent_profile', path: 'agents/profile', idParam: 'profileId', needsActivity: false, needsAgent: true },
];

export function documentRoutes(app: FastifyInstance, o: { storage: Storage; basePath: string }): void {
  for (const r of RESOURCES) {
    const url = `${o.basePath}${r.path}`;
    const action = (write: boolean): Action => (r.kind === 'state' ? (write ? 'state:write' : 'state:read') : write ? 'profile:write' : 'profile:read');

    /** Parses the parameters and checks the key may touch this document. */
    const target = (req: FastifyRequest, write: boolean) => {
      const key = req.key!;
      if (!allows(key, action(write))) {
        throw httpError(403, 'LRS_FORBIDDEN', key.writeOnly && !write ? 'this key is write-only' : `this key has no scope for ${r.path}`);
      }
      const q = req.query as Record<string, unknown>;
      const allowed = new Set([r.idParam, 'since', ...(r.needsActivity ? ['activityId'] : []), ...(r.needsAgent ? ['agent'] : []), ...(r.kind === 'state' ? ['registration'] : [])]);
      const unknown = Object.keys(q).filter((k) => !allowed.has(k));
      if (unknown.length) throw httpError(400, 'LRS_PARAM', `unknown parameter ${unknown.join(', ')}`, { path: unknown[0] });
      let activityId = '';
      if (r.needsActivity) {
        activityId = single(q.activityId, 'activityId') ?? '';
        if (!isIri(activityId)) throw httpError(400, 'LRS_PARAM', 'activityId must be an IRI', { path: 'activityId' });
        if (!withinPrefix(key, activityId)) throw httpError(403, 'LRS_PREFIX', `${activityId} is outside this key's activity prefix`, { path: 'activityId' });
      } else if (key.activityPrefix) {
        throw httpError(403, 'LRS_PREFIX', 'a key limited to an activity prefix cannot use agent profiles');
      }
      let agent = '';
      if (r.needsAgent) {
        const parsed = agentParam(q.agent);
        // Documents belong to an Agent; an identified Group's identifier goes in an Agent object.
        if (parsed.agent.objectType === 'Group') throw httpError(400, 'LRS_PARAM', 'agent must be an Agent, not a Group', { path: 'agent' });
        agent = parsed.key;
      }
      const registration = single(q.registration, 'registration');
      if (registration !== undefined && !isUuid(registration)) throw httpError(400, 'LRS_PARAM', 'registration must be a UUID', { path: 'registration' });
      const docId = single(q[r.idParam], r.idParam);
      const since = single(q.since, 'since');
      if (since !== undefined && !isTimestamp(since)) throw httpError(400, 'LRS_PARAM', 'since must be an ISO 8601 timestamp', { path: 'since' });
      return { kind: r.kind, activityId, agent, registration, docId, since };
    };

    app.get(url, async (req, reply) => {
      const t = target(req, false);
      if (t.docId === undefined) {
        const docs = await o.storage.listDocumentIds(
          { kind: t.kind, activityId: t.activityId, agent: t.agent, registration: t.registration ?? null },
          t.since ? Date.parse(t.since) : undefined,
        );
        if (docs.length > 0) reply.header('Last-Modified', new Date(Math.max(...docs.map((d) => d.updatedMs))).toUTCString());
        return reply.type('application/json').send(docs.map((d) => d.id));
      }
      if (t.since !== undefined) throw httpError(400, 'LRS_PARAM', `since cannot be combined with ${r.idParam}`, { path: 'since' });
      const doc = await o.storage.getDocument({ ...t, registration: t.registration ?? '', docId: t.docId });
      if (!doc) throw httpError(404, 'XAPI_NOT_FOUND', `no document ${t.docId}`);
      reply.header('ETag', doc.etag).header('Last-Modified', new Date(doc.updatedMs).toUTCString());
      return reply.type(doc.contentType).send(doc.content);
    });

    const write = (merge: boolean) => async (req: FastifyRequest, reply: any) => {
      const t = target(req, true);
      if (t.docId === undefined) throw httpError(400, 'LRS_PARAM', `${r.idParam} is required`, { path: r.idParam });
      if (t.since !== undefined) throw httpError(400, 'LRS_PARAM', 'since is only for GET', { path: 'since' });
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const contentType = req.headers['content-type'] ?? 'application/octet-stream';
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      // Profiles need a precondition to replace an existing document (lost-update guard); State does not.
      const strict = r.kind !== 'state' && !merge;
      const key: DocKey = { kind: t.kind, activityId: t.activityId, agent: t.agent, registration: t.registration ?? '', docId: t.docId };
      const newJson = isJsonType(contentType) ? parseObject(content) : undefined;
      if (merge && !newJson) throw httpError(400, 'LRS_MERGE', 'POST merges JSON: the body must be a JSON object sent as application/json');
      const etag = await o.storage.mutateDocument(key, (cur) => {
        checkPreconditions(cur, ifMatch, ifNoneMatch);
        if (strict && cur && ifMatch === undefined && ifNoneMatch === undefined) {
          throw httpError(409, 'XAPI_DOC_CONFLICT', 'the document exists: send If-Match with its ETag (or If-None-Match: *) to replace it');
        }
        let body = content;
        let type = contentType;
        if (merge && cur) {
          const old = isJsonType(cur.contentType) ? parseObject(cur.content) : undefined;
          if (!old) throw httpError(400, 'LRS_MERGE', 'the stored document is not a JSON object, so it cannot be merged; use PUT');
          body = Buffer.from(JSON.stringify({ ...old, ...newJson }));
          type = 'application/json';
        }
        const doc: Doc = { contentType: type, content: body, etag: etagOf(body), updatedMs: Date.now() };
        return { write: doc, result: doc.etag };
      });
      return reply.code(204).header('ETag', etag).send();
    };
    app.put(url, write(false));
    app.post(url, write(true));

    app.delete(url, async (req, reply) => {
      const t = target(req, true);
      if (t.docId === undefined) {
        if (r.kind !== 'state') throw httpError(400, 'LRS_PARAM', `${r.idParam} is required`, { path: r.idParam });
        await o.storage.deleteDocuments({ kind: t.kind, activityId: t.activityId, agent: t.agent, registration: t.registration ?? null });
        return reply.code(204).send();
      }
      const key: DocKey = { kind: t.kind, activityId: t.activityId, agent: t.agent, registration: t.registration ?? '', docId: t.docId };
      await o.storage.mutateDocument(key, (cur) => {
        checkPreconditions(cur, req.headers['if-match'], req.headers['if-none-match']);
        return cur ? { remove: true, result: undefined } : { result: undefined };
      });
      return reply.code(204).send();
    });
  }

  app.get(`${o.basePath}activities`, async (req, reply) => {
    if (!allows(req.key!, 'activities:read')) throw httpError(403, 'LRS_FORBIDDEN', 'this key may not read activities');
    const id = single((req.query as any).activityId, 'activityId');
    if (!isIri(id)) throw httpError(400, 'LRS_PARAM', 'activityId must be an IRI', { path: 'activityId' });
    const def = await o.storage.getActivity(id);
    return reply.send(def ? { objectType: 'Activity', id, definition: JSON.parse(def) } : { objectType: 'Activity', id });
  });

  app.get(`${o.basePath}agents`, async (req, reply) => {
    if (!allows(req.key!, 'agents:read')) throw httpError(403, 'LRS_FORBIDDEN', 'this key may not read agents');
    const { agent } = agentParam((req.query as any).agent);
    if (agent.objectType === 'Group') throw httpError(400, 'LRS_PARAM', 'agent must be an Agent, not a Group', { path: 'agent' });
    // Without identity linking, the Person is the one agent asked about, in array form.
    const person: Record<string, unknown> = { objectType: 'Person' };
    for (const k of ['name', 'mbox', 'mbox_sha1sum', 'openid', 'account']) if (agent[k] !== undefined) person[k] = [agent[k]];
    return reply.send(person);
  });
}

function isJsonType(t: string): boolean {
  return t.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function parseObject(b: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(b.toString('utf8'));
    // A merge re-serialises the document; too deep a document could not be, so it is not mergeable.
    return v && typeof v === 'object' && !Array.isArray(v) && !tooDeep(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function etagOf(b: Buffer): string {
  return `"${createHash('sha1').update(b).digest('hex')}"`;
}

function etagList(h: string): string[] {
  return h.split(',').map((s) => s.trim().replace(/^W\//, ''));
}

function checkPreconditions(cur: Doc | undefined, ifMatch: string | undefined, ifNoneMatch: string | undefined): void {
  if (ifMatch !== undefined) {
    const ok = cur && (ifMatch.trim() === '*' || etagList(ifMatch).includes(cur.etag));
    if (!ok) throw httpError(412, 'XAPI_PRECONDITION', 'If-Match does not match the current ETag');
  }
  if (ifNoneMatch !== undefined && cur) {
    if (ifNoneMatch.trim() === '*' || etagList(ifNoneMatch).includes(cur.etag)) {
      throw httpError(412, 'XAPI_PRECONDITION', 'If-None-Match: the document exists');
    }
  }
}
