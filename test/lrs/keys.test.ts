// Keys and scopes: a write-only, prefix-limited key (the kind baked into a package)
// can report statements about its own course and nothing else: it cannot read, cannot
// write outside its prefix, cannot touch documents it was not given. Plus hashing,
// revocation and per-key rate limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { BACKENDS, statement, startTestLrs, stopPostgres, xapiClient, type Client, type TestLrs } from './helpers.ts';
import { createKey } from '../../src/lrs/keys.ts';
import { CoursepackError } from '../../src/errors.ts';

afterAll(stopPostgres);

const PREFIX = 'https://example.org/courses/patient-involvement/';
const inside = (path = 'module-1') => ({ objectType: 'Activity', id: `${PREFIX}${path}` });
const learner = { objectType: 'Agent', mbox: 'mailto:learner@example.org' };

describe.each(BACKENDS)('keys and scopes on %s', (backend) => {
  let t: TestLrs;
  let pkg: Client;
  beforeAll(async () => {
    t = await startTestLrs(backend, { keyCacheMs: 0 });
    pkg = await t.client({ name: 'Moodle packages', scopes: ['statements:write'], activityPrefix: PREFIX, writeOnly: true });
  });
  afterAll(async () => t?.close());

  it('a write-only, prefix-limited key can store statements about its own activities', async () => {
    const r = await pkg.post('statements', [
      statement({ object: inside() }),
      statement({ object: inside('quiz'), context: { contextActivities: { parent: [inside()] } } }),
      statement({ object: { objectType: 'SubStatement', actor: learner, verb: { id: 'http://example.org/v' }, object: inside('later') } }),
    ]);
    expect(r.status, r.text).toBe(200);
    const stored = await t.admin.get('statements', { statementId: r.json[0] });
    expect(stored.json.authority.name).toBe('Moodle packages');
  });

  it('cannot read statements, one or many', async () => {
    const id = (await pkg.post('statements', statement({ object: inside() }))).json[0];
    for (const q of [{}, { statementId: id }, { activity: `${PREFIX}module-1` }, { voidedStatementId: randomUUID() }]) {
      const r = await pkg.get('statements', q);
      expect(r.status).toBe(403);
      expect(r.text).not.toContain(id);
    }
    expect((await pkg.get('agents', { agent: learner })).status).toBe(403);
  });

  it('cannot write outside its prefix, in the object, context activities or a SubStatement', async () => {
    const outside = { objectType: 'Activity', id: 'https://example.org/courses/other/module-1' };
    const tries = [
      statement({ object: outside }),
      statement({ object: inside(), context: { contextActivities: { grouping: [outside] } } }),
      statement({ object: { objectType: 'SubStatement', actor: learner, verb: { id: 'http://example.org/v' }, object: outside } }),
      // Prefix look-alike: the prefix is a string prefix of the IRI, so a sibling path must not pass.
      statement({ object: { id: 'https://example.org/courses/patient-involvement-2/x' } }),
      statement({ object: learner }),
      statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: randomUUID() } }),
    ];
    for (const st of tries) {
      const r = await pkg.post('statements', [statement({ object: inside(), id: randomUUID() }), st]);
      expect(r.status, JSON.stringify(st)).toBe(403);
      expect(r.json.code).toBe('LRS_PREFIX');
    }
    const admin = await t.admin.get('statements', { activity: 'https://example.org/courses/other/module-1' });
    expect(admin.json.statements).toEqual([]);
  });

  it('may tag a statement with a profile category outside its prefix (cmi5 does on every defined statement), but not a parent', async () => {
    const cmi5 = { objectType: 'Activity', id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' };
    const tagged = statement({ object: inside(), context: { contextActivities: { category: [cmi5] } } });
    expect((await pkg.post('statements', [tagged])).status).toBe(200);
    const parent = statement({ object: inside(), context: { contextActivities: { parent: [cmi5] } } });
    const r = await pkg.post('statements', [parent]);
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('LRS_PREFIX');
  });

  it('cannot touch documents it was not given', async () => {
    const q = { activityId: `${PREFIX}module-1`, agent: learner, stateId: 'bookmark' };
    expect((await pkg.put('activities/state', { page: 3 }, q)).status).toBe(403);
    expect((await pkg.get('activities/state', q)).status).toBe(403);
    expect((await pkg.del('activities/state', q)).status).toBe(403);
    expect((await pkg.put('activities/profile', { a: 1 }, { activityId: `${PREFIX}module-1`, profileId: 'p' })).status).toBe(403);
    expect((await pkg.put('agents/profile', { a: 1 }, { agent: learner, profileId: 'p' })).status).toBe(403);
  });

  it('a write-only key with the state scope may write state under its prefix but never read it', async () => {
    const k = await t.client({ name: 'resume', scopes: ['statements:write', 'state'], activityPrefix: PREFIX, writeOnly: true });
    const q = { activityId: `${PREFIX}module-1`, agent: learner, stateId: 'bookmark' };
    expect((await k.put('activities/state', { page: 3 }, q)).status).toBe(204);
    expect((await k.get('activities/state', q)).status).toBe(403);
    expect((await k.get('activities/state', { activityId: q.activityId, agent: learner })).status).toBe(403);
    expect((await k.put('activities/state', { page: 3 }, { ...q, activityId: 'https://example.org/elsewhere' })).status).toBe(403);
    expect((await t.admin.get('activities/state', q)).json).toEqual({ page: 3 });
  });

  it('a read-only key cannot write; a key without define cannot use profiles', async () => {
    const reader = await t.client({ name: 'reports', scopes: ['statements:read'] });
    expect((await reader.post('statements', statement())).status).toBe(403);
    expect((await reader.get('statements', { limit: 1 })).status).toBe(200);
    expect((await reader.put('activities/profile', { a: 1 }, { activityId: 'http://example.org/a', profileId: 'p' })).status).toBe(403);
    const definer = await t.client({ name: 'authoring', scopes: ['define'] });
    expect((await definer.put('activities/profile', { a: 1 }, { activityId: 'http://example.org/a', profileId: 'p' })).status).toBe(204);
    expect((await definer.get('statements', { limit: 1 })).status).toBe(403);
  });

  it('stores only a scrypt hash of the secret, and revoked keys stop working', async () => {
    const made = await createKey(t.lrs.storage, { name: 'temp', scopes: ['all'] });
    const row = await t.lrs.storage.getKey(made.key);
    expect(row!.secretHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(await t.lrs.storage.listKeys())).not.toContain(made.secret);
    const c = xapiClient(t.lrs.endpoint, made);
    expect((await c.get('statements', { limit: 1 })).status).toBe(200);
    expect((await xapiClient(t.lrs.endpoint, { key: made.key, secret: `${made.secret}x` }).get('statements')).status).toBe(401);
    await t.lrs.storage.revokeKey(made.key, Date.now());
    expect((await c.get('statements', { limit: 1 })).status).toBe(401);
  });

  it('a flood of wrong secrets is turned away with 429 instead of queueing scrypt, and known keys keep working', async () => {
    const victim = await createKey(t.lrs.storage, { name: 'victim', scopes: ['all'] });
    const wrong = xapiClient(t.lrs.endpoint, { key: victim.key, secret: 'not-the-secret' });
    const flood = await Promise.all(Array.from({ length: 100 }, () => wrong.get('statements', { limit: 1 })));
    const statuses = flood.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(flood.find((r) => r.status === 429)!.json.code).toBe('LRS_AUTH_BUSY');
    expect((await t.admin.get('statements', { limit: 1 })).status).toBe(200);
    expect((await xapiClient(t.lrs.endpoint, victim).get('statements', { limit: 1 })).status).toBe(200);
  });

  it('refuses unknown scopes when creating a key', async () => {
    await expect(createKey(t.lrs.storage, { name: 'x', scopes: ['statements/write'] })).rejects.toThrow(CoursepackError);
  });

  it('limits requests per key with 429 and Retry-After, without affecting other keys', async () => {
    const slow = await t.client({ name: 'slow', scopes: ['all'], rateLimit: 60 });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await slow.get('statements', { limit: 1 })).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses).toContain(429);
    const r = await slow.get('statements', { limit: 1 });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await t.admin.get('statements', { limit: 1 })).status).toBe(200);
  });
});
