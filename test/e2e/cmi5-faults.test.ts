// cmi5 faults end to end: the built cmi5 package in real Chromium, launched by the test
// LMS (test/helpers/cmi5-launcher.ts) against the embedded LRS, with the LRS going away.
// The LMS (fetch URL, return page, content) stays up; the LRS process is stopped for the
// whole AU session and started again on the same port and database file. A cmi5 relaunch
// is a new session with a new fetch URL and token, so the first session's statements
// leave the outbox under the second session's credentials — which our LRS accepts, as the
// session key may write any statement of the learner.
// Test names carry the @cmi5/requirements ids they cover (docs/cmi5.md lists them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Lrs } from '../../src/lrs/server.ts';
import { answer, nextToEnd } from '../helpers/learner.ts';
import { asSent, cmi5Au, statementsOf, statementsWhen, ACTOR, type TestCmi5Lms, type Cmi5Session } from '../helpers/cmi5-launcher.ts';
import { startLrsE2e, type LrsE2e } from '../helpers/lrs-e2e.ts';
import { xapiComments } from '../helpers/example-course.ts';
import { problemsOf } from '../xapi/fixtures.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';

const V = (v: string) => `http://adlnet.gov/expapi/verbs/${v}`;
const SESSION_EXT = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
const MODULE_TYPE = 'http://adlnet.gov/expapi/activities/module';

let e2e: LrsE2e;
/** The LRS currently running (replaced when it is restarted). */
let lrs: Lrs;
let lms: TestCmi5Lms;
let browser: Browser;
let auUrl: string;
let publisherId: string;
let data: ModuleData;

beforeAll(async () => {
  e2e = await startLrsE2e({ prefix: 'cp-e2e-cmi5-faults-', target: 'cmi5', yaml: xapiComments });
  ({ lrs, lms, browser } = e2e);
  ({ auUrl, publisherId, data } = cmi5Au(e2e.built.files));
}, 120_000);

afterAll(() => e2e?.close());

const sessionOf = (st: Record<string, any>) => st.context?.extensions?.[SESSION_EXT];

/**
 * The registration's statements once done(all) holds, read with the admin key of the first
 * start (the LMS, too, keeps talking to whichever LRS is running, as a real LMS reconnects
 * to a restarted one).
 */
const until = (registration: string, done: (all: Record<string, any>[]) => boolean) => statementsWhen(e2e.live, registration, done, { timeoutMs: 30_000 });

/** initialized first, terminated last, each once, every statement of the session in its context. */
function expectSession(all: Record<string, any>[], s: Cmi5Session): Record<string, any>[] {
  const mine = all.filter((st) => sessionOf(st) === s.sessionId);
  expect(mine.length).toBeGreaterThan(1);
  expect(mine[0]!.verb.id).toBe(V('initialized'));
  expect(mine.at(-1)!.verb.id).toBe(V('terminated'));
  expect(mine.filter((st) => st.verb.id === V('initialized'))).toHaveLength(1);
  expect(mine.filter((st) => st.verb.id === V('terminated'))).toHaveLength(1);
  for (const st of mine) {
    expect(st.actor).toMatchObject({ account: ACTOR.account });
    expect(st.context.registration).toBe(s.registration);
    expect(st.context.contextActivities.grouping.map((a: { id: string }) => a.id)).toContain(publisherId);
  }
  return mine;
}

describe('cmi5 AU when the LRS is unreachable', () => {
  it(
    'the LRS is down for the whole session (the LMS is up), then comes back on the same port and database: the relaunch of the registration, a new session with a new fetch URL, delivers every statement of the first session once ' +
      '[7.1.1.0-1 7.1.2.0-1 7.1.3.0-1 9.3.2.0-2 9.3.8.0-2 9.3.3.0-2 9.3.4.0-3 9.6.3.1-4 10.2.1.0-6 8.2.3.0-1]',
    async () => {
      const lrsUrl = new URL(lrs.url);
      const endpoint = lrs.endpoint;
      const s1 = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8 });
      const context = await browser.newContext();
      // The LRS stops as soon as it has answered the AU's LaunchData request: the AU
      // starts its session (it knows its session id, mode and masteryScore), and from its
      // first statement on every request to the LRS finds the port closed.
      let stops = 0;
      await context.route(
        (u) => u.port === lrsUrl.port && u.searchParams.get('stateId') === 'LMS.LaunchData',
        async (route) => {
          const response = await route.fetch();
          await e2e.stopLrs();
          stops++;
          await route.fulfill({ response });
        },
        { times: 1 },
      );
      const p1 = await context.newPage();
      await p1.goto(s1.url);
      await p1.waitForSelector('html.cp-ready');
      expect(stops).toBe(1);
      expect(await p1.evaluate(() => (window as any).coursepackLaunch.state)).toBe('running');
      await nextToEnd(p1.mainFrame());
      for (const q of data.questions) await answer(p1.mainFrame(), q, true);
      // The learner is told, and keeps working.
      await p1.waitForSelector('#cp-notice.cp-notice-on:has-text("Progress may not be saved")', { timeout: 30_000 });
      await p1.click('#cp-exit');
      // Exit waits at most 5 s for the outbox, then goes back to the LMS (returnURL).
      await p1.waitForURL(s1.returnUrl, { timeout: 20_000 });
      // The return page is on the content's origin: what is still queued, in order.
      const queued = await p1.evaluate(() => {
        const keys = Object.keys(localStorage).filter((k) => k.startsWith('coursepack.xapi.outbox'));
        return keys.flatMap((k) => (JSON.parse(localStorage.getItem(k)!).q as { s: { id: string; verb: { id: string } } }[]).map((e) => e.s));
      });
      await p1.close();
      expect(queued.map((s) => s.verb.id)).toEqual(expect.arrayContaining([V('initialized'), V('completed'), V('passed'), V('terminated')]));
      expect(queued[0]!.verb.id).toBe(V('initialized'));
      expect(queued.at(-1)!.verb.id).toBe(V('terminated'));
      expect(queued.length).toBeGreaterThan(data.questions.length);

      // The LRS comes back: same database file, same port, same endpoint.
      lrs = await e2e.restartLrs();
      expect(lrs.endpoint).toBe(endpoint);
      expect(await statementsOf(e2e.live, s1.registration), 'nothing reached the LRS during the first session').toEqual([]);

      // The relaunch: a new session of the same registration, with a new fetch URL.
      const s2 = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8, registration: s1.registration });
      expect(s2.activityId).toBe(s1.activityId);
      expect(s2.sessionId).not.toBe(s1.sessionId);
      expect(s2.fetchUrl).not.toBe(s1.fetchUrl);
      const p2 = await context.newPage();
      await p2.goto(s2.url);
      await p2.waitForSelector('html.cp-ready');
      expect(await p2.evaluate(() => (window as any).coursepackLaunch.state)).toBe('running');
      await until(s1.registration, (a) => a.filter((st) => sessionOf(st) === s1.sessionId).length >= queued.length);
      await p2.click('#cp-exit');
      await p2.waitForURL(s2.returnUrl, { timeout: 20_000 });
      const all = await until(s1.registration, (a) => a.some((st) => st.verb.id === V('terminated') && sessionOf(st) === s2.sessionId));
      const left = await p2.evaluate(() =>
        Object.keys(localStorage)
          .filter((k) => k.startsWith('coursepack.xapi.outbox'))
          .reduce((n, k) => n + JSON.parse(localStorage.getItem(k)!).q.length, 0),
      );
      expect(left, 'the outbox is empty').toBe(0);
      await context.close();

      // Every statement valid (statement.schema.json, Learning Locker's and our LRS's rules), none twice.
      for (const st of all) expect(problemsOf(asSent(st)), `${st.verb.id} ${st.object.id}`).toEqual({ profile: [], learningLocker: [], lrs: [] });
      expect(new Set(all.map((st) => st.id)).size, 'no statement stored twice').toBe(all.length);
      // Exactly the first session's queue, once each, in the order it was made, before the second session.
      const first = expectSession(all, s1);
      expect(first.map((st) => st.id)).toEqual(queued.map((st) => st.id));
      const second = expectSession(all, s2);
      expect(first.length + second.length).toBe(all.length);
      expect(all.indexOf(first.at(-1)!)).toBeLessThan(all.indexOf(second[0]!));
      // Judged once per registration: in the first session, not again after the relaunch.
      const judged = (v: string) => all.filter((st) => st.verb.id === V(v) && st.object.id === s1.activityId && st.object.definition?.type === MODULE_TYPE);
      expect(judged('completed').map(sessionOf)).toEqual([s1.sessionId]);
      expect(judged('passed').map(sessionOf)).toEqual([s1.sessionId]);
      expect(judged('failed')).toEqual([]);
      expect(first.filter((st) => st.verb.id === V('answered'))).toHaveLength(data.questions.length);
      expect(second.filter((st) => st.verb.id === V('answered'))).toEqual([]);
      // Each fetch URL was used once; the first session's statements went out with the second token.
      expect(s1.fetches.map((f) => Object.keys(f.body))).toEqual([['auth-token']]);
      expect(s2.fetches.map((f) => Object.keys(f.body))).toEqual([['auth-token']]);
      expect(s2.fetches[0]!.body['auth-token']).not.toBe(s1.fetches[0]!.body['auth-token']);
    },
    180_000,
  );
});
