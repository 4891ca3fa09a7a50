// The multi-machine deployment on PostgreSQL: two LRS processes on one database share
// everything through it. A statement written to one is read from the other, a `more`
// link issued by one pages on the other, a key made on one works on the other, and ETag
// checks hold across them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';
import { createKey } from '../../src/lrs/keys.ts';
import { freshDb, statement, stopPostgres, xapiClient, type Client } from './helpers.ts';

describe('two LRS processes on one PostgreSQL database', () => {
  let a: Lrs;
  let b: Lrs;
  let ca: Client;
  let cb: Client;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDb('postgres');
    cleanup = fresh.cleanup;
    // Started together on an empty database: exactly one of them creates (and shows) an admin key.
    [a, b] = await Promise.all([createLrs({ db: fresh.db }), createLrs({ db: fresh.db })]);
    expect([a.adminKey, b.adminKey].filter(Boolean)).toHaveLength(1);
    if (!a.adminKey) [a, b] = [b, a];
    expect((await a.storage.listKeys()).length).toBe(1);
    ca = xapiClient(a.endpoint, a.adminKey!);
    cb = xapiClient(b.endpoint, a.adminKey!);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cleanup?.();
    await stopPostgres();
  });

  it('statements written to one are read and paged from the other', async () => {
    const activity = `http://example.org/multi/${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(...(await (i % 2 ? cb : ca).post('statements', [statement({ object: { id: activity } }), statement({ object: { id: activity } })])).json);
    const first = await ca.get('statements', { activity, limit: 4, ascending: 'true' });
    const rest = await cb.get(first.json.more);
    const all = [...first.json.statements, ...rest.json.statements];
    expect(all.map((s: any) => s.id)).toEqual(ids);
    // Each process signs with its own endpoint: instances in one process keep separate settings.
    expect(all.map((s: any) => s.authority.account.homePage)).toEqual([a, a, b, b, a, a].map((l) => l.endpoint));
  });

  it('the same id sent to both with different content: one wins, the other gets 409', async () => {
    const id = randomUUID();
    const [r1, r2] = await Promise.all([
      ca.put('statements', statement({ id, result: { response: 'a' } }), { statementId: id }),
      cb.put('statements', statement({ id, result: { response: 'b' } }), { statementId: id }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([204, 409]);
  });

  it('a key created through one works on the other; ETags are checked across both', async () => {
    const made = await createKey(a.storage, { name: 'shared', scopes: ['state'] });
    const onB = xapiClient(b.endpoint, made);
    const q = { activityId: 'http://example.org/multi', agent: { mbox: 'mailto:m@example.org' }, stateId: 's' };
    const put = await onB.put('activities/state', { v: 1 }, q);
    expect(put.status).toBe(204);
    const onA = xapiClient(a.endpoint, made);
    expect((await onA.get('activities/state', q)).json).toEqual({ v: 1 });
    const etag = put.headers.get('etag')!;
    expect((await onA.put('activities/state', { v: 2 }, q, { 'if-match': etag })).status).toBe(204);
    expect((await onB.put('activities/state', { v: 3 }, q, { 'if-match': etag })).status).toBe(412);
  });
});
