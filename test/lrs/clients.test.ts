// Real xAPI client libraries against the running LRS over HTTP: @xapi/xapi (the
// card's library, also what package runtimes use) and tincanjs (the classic Rustici
// library) send, query, page and void statements and read and write documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { createHash, randomUUID } from 'node:crypto';
import XAPIModule from '@xapi/xapi';
import { BACKENDS, startTestLrs, stopPostgres, type TestLrs } from './helpers.ts';

const require = createRequire(import.meta.url);
const TinCan = require('tincanjs');
// The package's type declarations do not resolve under NodeNext; the runtime default export is the class.
const XAPI: any = XAPIModule;

afterAll(stopPostgres);

describe.each(BACKENDS)('real clients, LRS on %s', (backend) => {
  let t: TestLrs;
  beforeAll(async () => {
    t = await startTestLrs(backend);
  });
  afterAll(async () => t?.close());

  describe('@xapi/xapi against the LRS', () => {
    const learner = { objectType: 'Agent' as const, name: 'Kim', mbox: `mailto:${randomUUID()}@example.org` };
    const course = `https://example.org/courses/${randomUUID()}`;
    let xapi: any;
    beforeAll(() => {
      xapi = new XAPI({ endpoint: t.lrs.endpoint, auth: XAPI.toBasicAuth(t.lrs.adminKey!.key, t.lrs.adminKey!.secret), version: '1.0.3', adapter: 'fetch' });
    });

    it('reads About', async () => {
      const r = await xapi.getAbout();
      expect(r.data.version).toContain('1.0.3');
    });

    it('sends, queries, pages and voids statements', async () => {
      const sent = await xapi.sendStatements({
        statements: Array.from({ length: 5 }, (_, i) => ({
          actor: learner,
          verb: XAPI.Verbs.PROGRESSED,
          object: { objectType: 'Activity' as const, id: `${course}/page-${i}` },
          context: { contextActivities: { parent: [{ objectType: 'Activity' as const, id: course }] } },
        })),
      });
      expect(sent.data).toHaveLength(5);
      const page1 = await xapi.getStatements({ agent: learner, activity: course, related_activities: true, limit: 2 });
      expect(page1.data.statements).toHaveLength(2);
      expect(page1.data.more).toBeTruthy();
      const all = [...page1.data.statements];
      let more = page1.data.more;
      while (more) {
        const next = await xapi.getMoreStatements({ more });
        all.push(...next.data.statements);
        more = next.data.more;
      }
      expect(all.map((s: any) => s.id).sort()).toEqual([...sent.data].sort());
      const one = await xapi.getStatement({ statementId: sent.data[0]! });
      expect(one.data.object).toMatchObject({ id: `${course}/page-0` });
      await xapi.voidStatement({ actor: learner, statementId: sent.data[0]! });
      const voided = await xapi.getVoidedStatement({ voidedStatementId: sent.data[0]! });
      expect(voided.data.id).toBe(sent.data[0]);
      await expect(xapi.getStatement({ statementId: sent.data[0]! })).rejects.toBeTruthy();
    });

    it('sends a statement with an attachment as multipart/mixed and reads it back', async () => {
      const text = `certificate for ${learner.name} ${randomUUID()}`;
      const bytes = new TextEncoder().encode(text);
      const statementId = randomUUID();
      await xapi.sendStatement({
        statement: {
          id: statementId,
          actor: learner,
          verb: XAPI.Verbs.COMPLETED,
          object: { objectType: 'Activity', id: course },
          attachments: [
            {
              usageType: XAPI.AttachmentUsages.CERTIFICATE_OF_COMPLETION,
              display: { 'en-US': 'Certificate' },
              contentType: 'text/plain',
              length: bytes.length,
              sha2: createHash('sha256').update(bytes).digest('hex'),
            },
          ],
        },
        attachments: [bytes.buffer],
      });
      const got = await xapi.getStatement({ statementId, attachments: true });
      // The library splits the multipart answer into [statement, ...attachment contents].
      expect(got.data[0].id).toBe(statementId);
      expect(got.data[1]).toBe(text);
    });

    it('writes and reads state, and reads activities and agents', async () => {
      const activityId = `${course}/module-1`;
      await xapi.setState({ agent: learner, activityId, stateId: 'bookmark', state: { page: 2 } });
      await xapi.createState({ agent: learner, activityId, stateId: 'bookmark', state: { score: 7 } });
      const state = await xapi.getState({ agent: learner, activityId, stateId: 'bookmark' });
      expect(state.data).toEqual({ page: 2, score: 7 });
      expect((await xapi.getStates({ agent: learner, activityId })).data).toEqual(['bookmark']);
      await xapi.deleteState({ agent: learner, activityId, stateId: 'bookmark' });
      expect((await xapi.getStates({ agent: learner, activityId })).data).toEqual([]);
      const person = await xapi.getAgent({ agent: learner });
      expect(person.data.mbox).toEqual([learner.mbox]);
      const act = await xapi.getActivity({ activityId: `${course}/page-1` });
      expect(act.data.id).toBe(`${course}/page-1`);
    });
  });

  describe('tincanjs against the LRS', () => {
    const call = <T>(fn: (cb: (err: unknown, result: T) => void) => void) =>
      new Promise<T>((resolve, reject) => fn((err, result) => (err ? reject(new Error(`tincanjs error: ${String(err)}`)) : resolve(result))));

    it('saves and queries statements, follows more, and keeps state', async () => {
      const lrs = new TinCan.LRS({ endpoint: t.lrs.endpoint, username: t.lrs.adminKey!.key, password: t.lrs.adminKey!.secret, allowFail: false, version: '1.0.2' }); // the newest version tincanjs knows
      const actor = new TinCan.Agent({ name: 'Sam', mbox: `mailto:${randomUUID()}@example.org` });
      const verb = new TinCan.Verb({ id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'en-US': 'attempted' } });
      const activity = `https://example.org/tincan/${randomUUID()}`;
      const stmts = Array.from({ length: 3 }, (_, i) => new TinCan.Statement({ actor, verb, target: new TinCan.Activity({ id: `${activity}/${i}` }) }));
      await call((cb) => lrs.saveStatement(stmts[0], { callback: cb }));
      await call((cb) => lrs.saveStatements(stmts.slice(1), { callback: cb }));
      const first: any = await call((cb) => lrs.queryStatements({ params: { agent: actor, verb, limit: 2 }, callback: cb }));
      expect(first.statements).toHaveLength(2);
      expect(first.more).toMatch(/^\/xapi\/statements\?more=/);
      const rest: any = await call((cb) => lrs.moreStatements({ url: first.more, callback: cb }));
      const ids = [...first.statements, ...rest.statements].map((s: any) => s.id).sort();
      expect(ids).toEqual(stmts.map((s: any) => s.id).sort());
      const got: any = await call((cb) => lrs.retrieveStatement(stmts[1].id, { callback: cb }));
      expect(got.target.id).toBe(`${activity}/1`);

      const act = new TinCan.Activity({ id: `${activity}/0` });
      await call((cb) => lrs.saveState('suspend', 'page=5', { activity: act, agent: actor, contentType: 'text/plain', callback: cb }));
      const state: any = await call((cb) => lrs.retrieveState('suspend', { activity: act, agent: actor, callback: cb }));
      expect(state.contents).toBe('page=5');
      expect(state.etag).toMatch(/^"?[0-9a-f]{40}"?$/);
    });
  });
});
