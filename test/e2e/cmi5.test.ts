// The cmi5 AU end to end: the built cmi5 package in real Chromium, launched by a test
// LMS (test/helpers/cmi5-launcher.ts) that plays the LMS part against the embedded LRS.
// Test names carry the @cmi5/requirements ids they cover; docs/cmi5.md lists them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Lrs } from '../../src/lrs/server.ts';
import { answer, nextToEnd, openFromContents, openModule, openViewOf, reflect, sendComment, visibleView } from '../helpers/learner.ts';
import { asSent, cmi5Au, statementsOf, statementsWhen, ACTOR, type TestCmi5Lms, type Cmi5Session } from '../helpers/cmi5-launcher.ts';
import { startLrsE2e, type LrsE2e } from '../helpers/lrs-e2e.ts';
import { xapiComments } from '../helpers/example-course.ts';
import { problemsOf } from '../xapi/fixtures.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';

const V = (v: string) => `http://adlnet.gov/expapi/verbs/${v}`;
const CMI5_CAT = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
const MOVEON_CAT = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
const SESSION_EXT = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
const MASTERY_EXT = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
const CMI5_DEFINED = ['initialized', 'completed', 'passed', 'failed', 'terminated'].map(V);

let e2e: LrsE2e;
let lrs: Lrs;
let lms: TestCmi5Lms;
let browser: Browser;
let auUrl: string;
let publisherId: string;
let data: ModuleData;

beforeAll(async () => {
  // The example course, with comments sent as commented statements (feedback.xapi).
  e2e = await startLrsE2e({ prefix: 'cp-e2e-cmi5-', target: 'cmi5', yaml: xapiComments });
  ({ lrs, lms, browser } = e2e);
  ({ auUrl, publisherId, data } = cmi5Au(e2e.built.files));
}, 120_000);

afterAll(() => e2e?.close());

const open = (session: Cmi5Session): Promise<Page> => openModule(browser, session.url);

const launchState = (page: Page) => page.evaluate(() => (window as any).coursepackLaunch as { state: string; error?: string; launchMode?: string });

/** Waits until the LRS holds a terminated statement for the session, then returns the registration's statements. */
const afterTerminated = (session: Cmi5Session): Promise<Record<string, any>[]> =>
  statementsWhen(lrs, session.registration, (all) => all.some((s) => s.verb.id === V('terminated') && s.context.extensions?.[SESSION_EXT] === session.sessionId), {
    fail: 'no terminated statement arrived',
  });

function expectValid(all: Record<string, any>[]): void {
  for (const st of all) {
    const p = problemsOf(asSent(st));
    expect(p, `${st.verb.id} ${st.object.id}`).toEqual({ profile: [], learningLocker: [], lrs: [] });
  }
}

/** The cmi5 session rules every session must keep, whatever the learner did. */
function expectCmi5Session(all: Record<string, any>[], s: Cmi5Session): Record<string, any>[] {
  const mine = all.filter((st) => st.context.extensions?.[SESSION_EXT] === s.sessionId);
  expect(mine.length, 'every statement of the session carries its session id').toBeGreaterThan(1);
  expect(mine[0]!.verb.id).toBe(V('initialized'));
  expect(mine.at(-1)!.verb.id).toBe(V('terminated'));
  expect(mine.filter((st) => st.verb.id === V('initialized'))).toHaveLength(1);
  expect(mine.filter((st) => st.verb.id === V('terminated'))).toHaveLength(1);
  for (const st of mine) {
    expect(st.actor).toMatchObject({ account: ACTOR.account });
    expect(st.context.registration).toBe(s.registration);
    expect(st.context.contextActivities.grouping.map((a: { id: string }) => a.id)).toContain(publisherId);
    const cats = (st.context.contextActivities.category ?? []).map((a: { id: string }) => a.id);
    // cmi5 defined statements are about the AU itself; a completed quiz inside it is a cmi5 allowed statement.
    const aboutAu = st.object.definition?.type === 'http://adlnet.gov/expapi/activities/module';
    if (CMI5_DEFINED.includes(st.verb.id) && aboutAu) {
      expect(st.object.id, st.verb.id).toBe(s.activityId);
      expect(cats).toContain(CMI5_CAT);
      const judged = st.result && ('success' in st.result || 'completion' in st.result);
      expect(cats.includes(MOVEON_CAT), `moveOn category on ${st.verb.id}`).toBe(!!judged);
      if (st.verb.id !== V('initialized')) expect(st.result.duration).toMatch(/^PT/);
      if (![V('passed'), V('failed')].includes(st.verb.id)) expect(st.result?.score).toBeUndefined();
    } else {
      expect(cats).not.toContain(CMI5_CAT);
      expect(cats).not.toContain(MOVEON_CAT);
    }
  }
  return mine;
}

async function exitToLms(page: Page, s: Cmi5Session): Promise<void> {
  await page.click('#cp-exit');
  await page.waitForURL(s.returnUrl);
  expect(await page.textContent('#lms-return')).toBe('Back in the LMS');
}

/**
 * A session launched in Browse or Review mode: the AU runs and says which mode it is in, the
 * learner answers every question right and exits, and the session keeps the cmi5 rules.
 * Returns the session's verbs.
 */
async function sessionIn(launchMode: 'Browse' | 'Review'): Promise<string[]> {
  const s = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8, launchMode });
  const page = await open(s);
  expect(await launchState(page)).toMatchObject({ state: 'running', launchMode });
  expect(await page.textContent('#cp-notice')).toContain(`${launchMode} mode`);
  await nextToEnd(page.mainFrame());
  for (const q of data.questions) await answer(page.mainFrame(), q, true);
  await exitToLms(page, s);
  const all = await afterTerminated(s);
  expectValid(all);
  const verbs = expectCmi5Session(all, s).map((st) => st.verb.id);
  await page.context().close();
  return verbs;
}

describe('cmi5 AU launched by a test LMS', () => {
  it(
    'completing the module answering every question type, with feedback and a print: initialized first, terminated last, completed and passed once with score ≥ masteryScore, every statement valid ' +
      '[7.1.1.0-1 7.1.2.0-1 7.1.3.0-1 8.1.1.0-2 8.1.1.0-3 8.1.2.0-3 8.1.2.0-4 8.1.2.0-5 8.1.3.0-2 8.1.3.0-3 8.1.4.0-2 8.1.4.0-3 8.1.5.0-5 8.1.5.0-6 ' +
      '8.2.1.0-2 8.2.1.0-5 9.1.0.0-1 9.3.2.0-2 9.3.2.0-3 9.3.3.0-1 9.3.4.0-1 9.3.4.0-2 9.3.8.0-1 9.3.8.0-2 9.5.1.0-2 9.5.1.0-3 9.5.2.0-1 9.5.2.0-3 9.5.3.0-1 9.5.3.0-2 ' +
      '9.4.0.0-2 9.5.4.1-1 9.5.4.1-2 9.5.4.1-3 9.6.2.1-1 9.6.2.2-1 9.6.2.2-2 9.6.3.1-4 9.6.3.2-2 10.2.1.0-4 10.2.1.0-6 10.2.1.0-7 10.2.2.0-1 10.2.2.0-5 10.2.2.0-6 10.2.2.0-7 10.2.4.0-2 10.2.6.0-1]',
    async () => {
      const s = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8 });
      const page = await open(s);
      expect(await launchState(page)).toMatchObject({ state: 'running', launchMode: 'Normal' });
      const frame = page.mainFrame();
      expect(new Set(data.questions.map((q) => q.type)).size).toBe(5);

      // A glossary look-up from the first page, then every view in order.
      const term = page.locator('.cp-view:not([hidden]) a.cp-term').first();
      const termHref = (await term.getAttribute('href'))!;
      await term.click();
      await openFromContents(page, frame, data.views[0]!);
      await nextToEnd(frame);
      for (const q of data.questions) await answer(frame, q, true);
      for (const r of data.reflections) await reflect(frame, r, 'Patients taught me to listen.');
      // Feedback through the form: a commented statement with the rating.
      await sendComment(frame, 'Clear and <b>useful</b>.', 5);
      // Print from the print view (its own window), as a learner does.
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('a[href="print.html"]')]);
      await popup.waitForLoadState();
      await popup.click('#cp-print');
      await popup.close();
      await exitToLms(page, s);

      const all = await afterTerminated(s);
      expectValid(all);
      const mine = expectCmi5Session(all, s);
      expect(new Set(all.map((st) => st.id)).size, 'no statement stored twice').toBe(all.length);
      const verbs = mine.map((st) => st.verb.id);
      const completedAu = mine.filter((st) => st.verb.id === V('completed') && st.object.id === s.activityId);
      expect(completedAu).toHaveLength(1);
      expect(completedAu[0]!.result).toMatchObject({ completion: true });
      const passed = mine.filter((st) => st.verb.id === V('passed'));
      expect(passed).toHaveLength(1);
      expect(passed[0]!.result.success).toBe(true);
      expect(passed[0]!.result.score.scaled).toBeGreaterThanOrEqual(0.8);
      expect(passed[0]!.context.extensions[MASTERY_EXT]).toBe(0.8);
      expect(verbs).not.toContain(V('failed'));
      expect(verbs.indexOf(V('completed'))).toBeLessThan(verbs.lastIndexOf(V('terminated')));

      const answered = mine.filter((st) => st.verb.id === V('answered'));
      expect(new Set(answered.map((st) => st.object.definition.interactionType))).toEqual(
        new Set(['choice', 'true-false', 'fill-in', 'matching', 'long-fill-in']),
      );
      expect(answered.filter((st) => st.object.definition.interactionType !== 'long-fill-in').every((st) => st.result.success === true)).toBe(true);
      expect(answered).toHaveLength(data.questions.length + data.reflections.length);
      const pages = new Set(mine.filter((st) => st.verb.id === V('experienced')).map((st) => st.object.id.split('/pages/')[1]));
      expect(pages).toEqual(new Set(data.pages.map((p) => encodeURIComponent(p.id))));
      const quizzes = mine.filter((st) => st.verb.id === V('completed') && st.object.definition.type === 'http://adlnet.gov/expapi/activities/assessment');
      expect(quizzes.length).toBeGreaterThanOrEqual(1);
      expect(mine.some((st) => st.verb.id === V('progressed'))).toBe(true);
      const viewed = mine.filter((st) => st.verb.id === 'http://id.tincanapi.com/verb/viewed');
      expect(viewed.map((st) => st.object.id)).toEqual([`${publisherId}/glossary/${encodeURIComponent(termHref.slice('#term-'.length))}`]);
      expect(mine.filter((st) => st.verb.id === 'https://coursepack.dev/xapi/verbs/printed')).toHaveLength(1);
      const commented = mine.filter((st) => st.verb.id === V('commented'));
      expect(commented.map((st) => [st.result.response, st.result.extensions['https://coursepack.dev/xapi/extensions/rating']])).toEqual([
        ['Clear and <b>useful</b>.', 5],
      ]);
      // The fetch URL was used exactly once.
      expect(s.fetches.map((f) => Object.keys(f.body))).toEqual([['auth-token']]);
      await page.context().close();
    },
    120_000,
  );

  it('a second use of the fetch URL gets error-code 1 and the AU tells the learner, sending nothing [8.2.3.0-1 8.2.2.0-3 8.2.1.0-2]', async () => {
    const s = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8 });
    const first = await open(s);
    expect((await launchState(first)).state).toBe('running');
    const initialized = async () => (await statementsOf(lrs, s.registration)).filter((st) => st.verb.id === V('initialized')).length;
    for (let i = 0; i < 100 && (await initialized()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await initialized()).toBe(1);
    await first.context().close();
    await new Promise((r) => setTimeout(r, 1000));
    const before = (await statementsOf(lrs, s.registration)).length;
    // The same launch URL opened again in a fresh browser (no token kept): the LMS refuses the fetch.
    const again = await open(s);
    const st = await launchState(again);
    expect(st.state).toBe('error');
    expect(s.fetches.map((f) => f.body['error-code'] ?? 'token')).toEqual(['token', '1']);
    expect(await again.textContent('#cp-notice')).toContain('this launch link has already been used');
    // The module stays readable.
    expect(await visibleView(again.mainFrame())).toBe(data.views[0]);
    // Without a token the AU sends nothing: the LRS holds only what the first page sent.
    await again.click('#cp-next');
    await again.waitForTimeout(1000);
    expect(await initialized()).toBe(1);
    expect((await statementsOf(lrs, s.registration)).length).toBe(before);
    await again.context().close();
  }, 60_000);

  it('launched in a window the LMS opened, Exit goes to returnURL instead of closing the window [10.2.6.0-1 8.1.0.0-2]', async () => {
    const s = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8 });
    const lmsPage = await (await browser.newContext()).newPage();
    await lmsPage.goto(`${lms.url}/return?lms-home`);
    const [popup] = await Promise.all([lmsPage.waitForEvent('popup'), lmsPage.evaluate((u) => void window.open(u, 'au'), s.url)]);
    await popup.waitForSelector('html.cp-ready');
    expect(await launchState(popup)).toMatchObject({ state: 'running' });
    await exitToLms(popup, s);
    expect(popup.isClosed()).toBe(false);
    expectCmi5Session(await afterTerminated(s), s);
    await lmsPage.context().close();
  }, 60_000);

  it('Browse mode sends initialized and terminated but no completed, passed or failed [10.2.2.0-2 10.2.2.0-8 10.2.2.0-9]', async () => {
    const verbs = await sessionIn('Browse');
    expect(verbs).not.toContain(V('completed'));
    expect(verbs).not.toContain(V('passed'));
    expect(verbs).not.toContain(V('failed'));
  }, 90_000);

  it('Review mode sends initialized and terminated, no answers and no completed, passed or failed [10.2.2.0-3 10.2.2.0-10 10.2.2.0-11]', async () => {
    const verbs = await sessionIn('Review');
    for (const v of ['completed', 'passed', 'failed', 'answered', 'progressed']) expect(verbs).not.toContain(V(v));
  }, 90_000);

  it('leaving half-way and relaunching in another browser resumes the page and answers; completed/passed are sent once per registration [9.3.3.0-2 9.3.4.0-3 8.1.4.0-3 9.5.4.1-1]', async () => {
    const s1 = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8 });
    const p1 = await open(s1);
    const half = data.questions.slice(0, Math.ceil(data.questions.length / 2));
    for (const q of half) await answer(p1.mainFrame(), q, true);
    await p1.click(`.cp-toc a[href="#${data.views[2]}"]`);
    await p1.waitForTimeout(1200); // the progress document is written within a second of a change
    // Leave without Exit: the page goes away (pagehide).
    await p1.goto('about:blank');
    await afterTerminated(s1);
    await p1.context().close();

    const s2 = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8, registration: s1.registration });
    expect(s2.activityId).toBe(s1.activityId);
    const p2 = await open(s2);
    expect(await visibleView(p2.mainFrame())).toBe(data.views[2]);
    for (const q of half) {
      await openViewOf(p2.mainFrame(), q.dom);
      expect(await p2.$eval(`#${q.dom} .cp-fb`, (el) => el.className)).toContain('cp-ok');
    }
    await p2.click(`.cp-toc a[href="#${data.views[0]}"]`);
    await nextToEnd(p2.mainFrame());
    for (const q of data.questions.slice(half.length)) await answer(p2.mainFrame(), q, true);
    await exitToLms(p2, s2);
    const all = await afterTerminated(s2);
    expectValid(all);
    const first = expectCmi5Session(all, s1).map((st) => st.verb.id);
    const second = expectCmi5Session(all, s2).map((st) => st.verb.id);
    expect(first).not.toContain(V('completed'));
    expect(first).not.toContain(V('passed'));
    expect(second.filter((v) => v === V('passed'))).toHaveLength(1);

    // A third session after passing: nothing is judged again.
    const s3 = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8, registration: s1.registration });
    const p3 = await open(s3);
    await nextToEnd(p3.mainFrame());
    await exitToLms(p3, s3);
    const again = await afterTerminated(s3);
    const third = expectCmi5Session(again, s3).map((st) => st.verb.id);
    expect(third).not.toContain(V('completed'));
    expect(third).not.toContain(V('passed'));
    expect(again.filter((st) => st.verb.id === V('completed') && st.object.id === s1.activityId)).toHaveLength(1);
    expect(new Set(again.map((st) => st.id)).size).toBe(again.length);
    await p2.context().close();
    await p3.context().close();
  }, 150_000);

  it('a score below masteryScore sends failed with the masteryScore, not passed [9.3.5.0-1 9.3.5.0-2 9.5.2.0-2 9.5.4.1-4 9.6.3.2-2 10.2.4.0-2]', async () => {
    const s = await lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8 });
    const page = await open(s);
    await nextToEnd(page.mainFrame());
    for (const q of data.questions) await answer(page.mainFrame(), q, false);
    await exitToLms(page, s);
    const all = await afterTerminated(s);
    expectValid(all);
    const mine = expectCmi5Session(all, s);
    const failed = mine.filter((st) => st.verb.id === V('failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.result).toMatchObject({ success: false });
    expect(failed[0]!.result.score.scaled).toBeLessThan(0.8);
    expect(failed[0]!.context.extensions[MASTERY_EXT]).toBe(0.8);
    expect(mine.map((st) => st.verb.id)).not.toContain(V('passed'));
    await page.context().close();
  }, 90_000);
});
