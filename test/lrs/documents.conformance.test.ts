// xAPI 1.0.3 conformance for the Document Resources (State, Activity Profile, Agent
// Profile) with ETag concurrency and JSON merge, plus the Activities and Agents
// resources. Runs against SQLite and a real PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { BACKENDS, startTestLrs, stopPostgres, type Client, type TestLrs } from './helpers.ts';

afterAll(stopPostgres);

describe.each(BACKENDS)('documents on %s', (backend) => {
  let t: TestLrs;
  let c: Client;
  beforeAll(async () => {
    t = await startTestLrs(backend);
    c = t.admin;
  });
  afterAll(async () => t?.close());

  const activity = () => `http://example.org/activities/${randomUUID()}`;
  const learner = () => ({ objectType: 'Agent', mbox: `mailto:${randomUUID()}@example.org` });

  describe('State', () => {
    it('PUT then GET returns the document with its type, ETag and Last-Modified', async () => {
      const q = { activityId: activity(), agent: learner(), stateId: 'bookmark' };
      const put = await c.put('activities/state', { page: 4, answers: ['a'] }, q);
      expect(put.status).toBe(204);
      const get = await c.get('activities/state', q);
      expect(get.status).toBe(200);
      expect(get.json).toEqual({ page: 4, answers: ['a'] });
      expect(get.headers.get('content-type')).toMatch(/^application\/json/);
      expect(get.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
      expect(get.headers.get('etag')).toBe(put.headers.get('etag'));
      expect(Date.parse(get.headers.get('last-modified')!)).toBeGreaterThan(0);
      expect((await c.get('activities/state', { ...q, stateId: 'other' })).status).toBe(404);
    });

    it('keeps any content type byte for byte', async () => {
      const q = { activityId: activity(), agent: learner(), stateId: 'blob' };
      const bytes = Buffer.from([0, 1, 2, 255, 254, 0x89, 0x50, 0x4e, 0x47]);
      expect((await c.put('activities/state', bytes, q, { 'content-type': 'application/octet-stream' })).status).toBe(204);
      const r = await fetch(new URL(`activities/state?${new URLSearchParams({ ...q, agent: JSON.stringify(q.agent) })}`, c.endpoint), {
        headers: { authorization: c.auth, 'x-experience-api-version': '1.0.3' },
      });
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(Buffer.from(await r.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('POST merges JSON objects; merging with non-JSON is a 400', async () => {
      const q = { activityId: activity(), agent: learner(), stateId: 'progress' };
      expect((await c.post('activities/state', { a: 1, b: { x: 1 } }, q)).status).toBe(204);
      expect((await c.post('activities/state', { b: { y: 2 }, c: 3 }, q)).status).toBe(204);
      expect((await c.get('activities/state', q)).json).toEqual({ a: 1, b: { y: 2 }, c: 3 });
      expect((await c.post('activities/state', 'plain', q, { 'content-type': 'text/plain' })).status).toBe(400);
      expect((await c.post('activities/state', '[1,2]', q)).status).toBe(400);
      const q2 = { ...q, stateId: 'text' };
      await c.put('activities/state', 'hello', q2, { 'content-type': 'text/plain' });
      expect((await c.post('activities/state', { a: 1 }, q2)).status).toBe(400);
      expect((await c.get('activities/state', q2)).text).toBe('hello');
    });

    it('registrations keep separate documents; GET without stateId lists ids, filtered by since', async () => {
      const base = { activityId: activity(), agent: learner() };
      const r1 = randomUUID();
      const r2 = randomUUID();
      await c.put('activities/state', { n: 1 }, { ...base, registration: r1, stateId: 's1' });
      await c.put('activities/state', { n: 2 }, { ...base, registration: r2, stateId: 's1' });
      await new Promise((r) => setTimeout(r, 10));
      const mid = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 10));
      await c.put('activities/state', { n: 3 }, { ...base, registration: r1, stateId: 's2' });
      expect((await c.get('activities/state', { ...base, registration: r1, stateId: 's1' })).json).toEqual({ n: 1 });
      expect((await c.get('activities/state', { ...base, registration: r2, stateId: 's1' })).json).toEqual({ n: 2 });
      const list = await c.get('activities/state', { ...base, registration: r1 });
      expect(list.json).toEqual(['s1', 's2']);
      expect(Date.parse(list.headers.get('last-modified')!)).toBeGreaterThan(0);
      expect((await c.get('activities/state', { ...base, registration: r1, since: mid })).json).toEqual(['s2']);
      expect((await c.get('activities/state', { ...base, registration: r2 })).json).toEqual(['s1']);
    });

    it('DELETE removes one document, or all of an agent’s state for an activity (optionally one registration)', async () => {
      const base = { activityId: activity(), agent: learner() };
      const reg = randomUUID();
      for (const id of ['a', 'b']) await c.put('activities/state', { id }, { ...base, stateId: id });
      await c.put('activities/state', { id: 'r' }, { ...base, stateId: 'r', registration: reg });
      expect((await c.del('activities/state', { ...base, stateId: 'a' })).status).toBe(204);
      expect((await c.get('activities/state', { ...base, stateId: 'a' })).status).toBe(404);
      expect((await c.del('activities/state', { ...base, registration: reg })).status).toBe(204);
      expect((await c.get('activities/state', { ...base, stateId: 'r', registration: reg })).status).toBe(404);
      expect((await c.get('activities/state', { ...base, stateId: 'b' })).status).toBe(200);
      expect((await c.del('activities/state', base)).status).toBe(204);
      expect((await c.get('activities/state', base)).json).toEqual([]);
    });

    it('identifies the agent by its identifier, not by name', async () => {
      const who = learner();
      const q = { activityId: activity(), stateId: 's' };
      await c.put('activities/state', { v: 1 }, { ...q, agent: { ...who, name: 'First' } });
      expect((await c.get('activities/state', { ...q, agent: { mbox: who.mbox, name: 'Other' } })).json).toEqual({ v: 1 });
    });

    it('honours If-Match and If-None-Match', async () => {
      const q = { activityId: activity(), agent: learner(), stateId: 's' };
      const first = await c.put('activities/state', { v: 1 }, q);
      const etag = first.headers.get('etag')!;
      expect((await c.put('activities/state', { v: 2 }, q, { 'if-match': '"0000000000000000000000000000000000000000"' })).status).toBe(412);
      expect((await c.put('activities/state', { v: 2 }, q, { 'if-none-match': '*' })).status).toBe(412);
      expect((await c.put('activities/state', { v: 2 }, q, { 'if-match': etag })).status).toBe(204);
      expect((await c.get('activities/state', q)).json).toEqual({ v: 2 });
      expect((await c.del('activities/state', q, { 'if-match': etag })).status).toBe(412);
    });

    it('refuses missing or malformed parameters with 400', async () => {
      expect((await c.get('activities/state', { agent: learner(), stateId: 's' })).status).toBe(400);
      expect((await c.get('activities/state', { activityId: activity(), stateId: 's' })).status).toBe(400);
      expect((await c.get('activities/state', { activityId: activity(), agent: { name: 'no id' }, stateId: 's' })).status).toBe(400);
      expect((await c.get('activities/state', { activityId: activity(), agent: learner(), registration: 'nope' })).status).toBe(400);
      expect((await c.get('activities/state', { activityId: 'not an iri', agent: learner(), stateId: 's' })).status).toBe(400);
      expect((await c.put('activities/state', { a: 1 }, { activityId: activity(), agent: learner() })).status).toBe(400);
      expect((await c.get('activities/state', { activityId: activity(), agent: learner(), colour: 'red' })).status).toBe(400);
      expect((await c.get('activities/state', { activityId: activity(), agent: { objectType: 'Group', mbox: 'mailto:g@example.org' }, stateId: 's' })).status).toBe(400);
    });
  });

  describe.each([
    ['Activity Profile', 'activities/profile', () => ({ activityId: activity() })],
    ['Agent Profile', 'agents/profile', () => ({ agent: learner() })],
  ] as const)('%s', (_name, path, scope) => {
    it('creates without a precondition, then needs If-Match or If-None-Match to replace (409 otherwise)', async () => {
      const q = { ...scope(), profileId: 'prefs' };
      const created = await c.put(path, { theme: 'dark' }, q);
      expect(created.status).toBe(204);
      const conflict = await c.put(path, { theme: 'light' }, q);
      expect(conflict.status).toBe(409);
      expect((await c.get(path, q)).json).toEqual({ theme: 'dark' });
      const etag = (await c.get(path, q)).headers.get('etag')!;
      expect((await c.put(path, { theme: 'light' }, q, { 'if-match': '"stale"' })).status).toBe(412);
      expect((await c.put(path, { theme: 'light' }, q, { 'if-match': etag })).status).toBe(204);
      expect((await c.get(path, q)).json).toEqual({ theme: 'light' });
      expect((await c.put(path, { a: 1 }, { ...q, profileId: 'new' }, { 'if-none-match': '*' })).status).toBe(204);
      expect((await c.put(path, { a: 2 }, { ...q, profileId: 'new' }, { 'if-none-match': '*' })).status).toBe(412);
    });

    it('POST merges, GET without profileId lists ids (since), DELETE removes', async () => {
      const s = scope();
      await c.post(path, { a: 1 }, { ...s, profileId: 'p1' });
      await c.post(path, { b: 2 }, { ...s, profileId: 'p1' });
      expect((await c.get(path, { ...s, profileId: 'p1' })).json).toEqual({ a: 1, b: 2 });
      await new Promise((r) => setTimeout(r, 10));
      const mid = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 10));
      await c.post(path, { c: 3 }, { ...s, profileId: 'p2' });
      expect((await c.get(path, s)).json).toEqual(['p1', 'p2']);
      expect((await c.get(path, { ...s, since: mid })).json).toEqual(['p2']);
      expect((await c.del(path, { ...s, profileId: 'p1' })).status).toBe(204);
      expect((await c.get(path, s)).json).toEqual(['p2']);
      expect((await c.del(path, s)).status).toBe(400);
    });
  });

  describe('Activities and Agents', () => {
    it('GET activities returns the canonical definition from statements', async () => {
      const id = activity();
      await c.post('statements', {
        actor: learner(),
        verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
        object: { id, definition: { name: { 'en-GB': 'Involving patients' }, type: 'http://adlnet.gov/expapi/activities/lesson' } },
      });
      const r = await c.get('activities', { activityId: id });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ objectType: 'Activity', id, definition: { name: { 'en-GB': 'Involving patients' }, type: 'http://adlnet.gov/expapi/activities/lesson' } });
      const unknown = activity();
      expect((await c.get('activities', { activityId: unknown })).json).toEqual({ objectType: 'Activity', id: unknown });
      expect((await c.get('activities', {})).status).toBe(400);
    });

    it('GET agents returns a Person object', async () => {
      const r = await c.get('agents', { agent: { name: 'Ada', mbox: 'mailto:ada@example.org' } });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ objectType: 'Person', name: ['Ada'], mbox: ['mailto:ada@example.org'] });
      expect((await c.get('agents', { agent: { name: 'x' } })).status).toBe(400);
      expect((await c.get('agents', { agent: { objectType: 'Group', mbox: 'mailto:g@example.org' } })).status).toBe(400);
    });
  });
});
