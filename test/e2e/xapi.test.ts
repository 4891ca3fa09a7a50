// The xAPI (Tin Can) bundle end to end: the built xapi package in real Chromium,
// launched the way Rustici-engine LMSs (Blackboard among them) do — tincan.xml's launch
// page with endpoint, auth, actor, registration and activity_id in the query string —
// reporting to the embedded LRS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import type { Lrs } from '../../src/lrs/server.ts';
import { answer, nextToEnd, openFromContents, openModule, openViewOf, reflect, sendComment, visibleView } from '../helpers/learner.ts';
import { asSent, startCmi5Lms, statementsOf, statementsWhen, tincanCourseIri, type TestCmi5Lms } from '../helpers/cmi5-launcher.ts';
import { startLrsE2e, type LrsE2e } from '../helpers/lrs-e2e.ts';
import { xapiComments } from '../helpers/example-course.ts';
import { problemsOf } from '../xapi/fixtures.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import { TARGETS } from '../../src/package/targets.ts';
import { fixtureCourse, fixtureModuleFiles } from '../helpers/fixture-course.ts';

const V = (v: string) => `http://adlnet.gov/expapi/verbs/${v}`;
// The pre-1.0 Tin Can actor some players still send: every value in an array.
const LEGACY_ACTOR = JSON.stringify({ name: ['Grace Learner'], mbox: ['mailto:grace@example.org'] });

let e2e: LrsE2e;
let lrs: Lrs;
let lms: TestCmi5Lms;
let browser: Browser;
let data: ModuleData;
let courseIri: string;

beforeAll(async () => {
  // The example course, with comments sent as commented statements (feedback.xapi).
  e2e = await startLrsE2e({ prefix: 'cp-e2e-xapi-', target: 'xapi', yaml: xapiComments });
  ({ lrs, lms, browser } = e2e);
  data = e2e.built.data;
  courseIri = tincanCourseIri(e2e.built.files);
}, 120_000);

afterAll(() => e2e?.close());

const open = (url: string): Promise<Page> => openModule(browser, url);
const until = (registration: string, done: (all: Record<string, any>[]) => boolean) => statementsWhen(lrs, registration, done);
const terminatedCount = (n: number) => (all: Record<string, any>[]) => all.filter((s) => s.verb.id === V('terminated')).length >= n;

function expectValid(all: Record<string, any>[]): void {
  for (const st of all) expect(problemsOf(asSent(st)), `${st.verb.id} ${st.object.id}`).toEqual({ profile: [], learningLocker: [], lrs: [] });
  expect(new Set(all.map((s) => s.id)).size, 'no statement stored twice').toBe(all.length);
}

describe('xAPI (Tin Can) bundle launched with query-string credentials', () => {
  it('completing the module through the tincan.xml launch page sends the whole profile, initialized first and terminated last, with the legacy actor turned into an Agent', async () => {
    const registration = randomUUID();
    const page = await open(await lms.launchTincan({ path: 'index.html', actor: LEGACY_ACTOR, registration, activityId: courseIri }));
    // The launch page passed the parameters on to the module.
    expect(new URL(page.url()).searchParams.get('registration')).toBe(registration);
    expect(await page.evaluate(() => (window as any).coursepackLaunch.state)).toBe('running');
    const frame = page.mainFrame();
    await page.locator('.cp-view:not([hidden]) a.cp-term').first().click();
    await openFromContents(page, frame, data.views[0]!);
    await nextToEnd(frame);
    for (const q of data.questions) await answer(frame, q, true);
    for (const r of data.reflections) await reflect(frame, r, 'Listening matters.');
    await sendComment(frame, 'Helpful.');
    await page.click('#cp-exit');
    const all = await until(registration, terminatedCount(1));
    expectValid(all);
    const verbs = all.map((s) => s.verb.id);
    expect(verbs[0]).toBe(V('initialized'));
    expect(verbs.at(-1)).toBe(V('terminated'));
    for (const st of all) {
      expect(st.actor).toEqual({ objectType: 'Agent', name: 'Grace Learner', mbox: 'mailto:grace@example.org' });
      expect(st.context.registration).toBe(registration);
      expect(st.context.contextActivities.category).toBeUndefined();
    }
    const moduleId = all[0]!.object.id;
    expect(moduleId.startsWith(`${courseIri}/modules/`)).toBe(true);
    expect(all.filter((s) => s.verb.id === V('completed') && s.object.id === moduleId)).toHaveLength(1);
    const passed = all.filter((s) => s.verb.id === V('passed'));
    expect(passed).toHaveLength(1);
    expect(passed[0]!.result.score).toEqual({ scaled: 1, raw: 100, min: 0, max: 100 });
    const answered = all.filter((s) => s.verb.id === V('answered'));
    expect(new Set(answered.map((s) => s.object.definition.interactionType))).toEqual(new Set(['choice', 'true-false', 'fill-in', 'matching', 'long-fill-in']));
    expect(all.filter((s) => s.verb.id === V('experienced')).length).toBeGreaterThanOrEqual(data.pages.length);
    expect(all.some((s) => s.verb.id === V('progressed'))).toBe(true);
    expect(all.filter((s) => s.verb.id === 'http://id.tincanapi.com/verb/viewed')).toHaveLength(1);
    expect(all.filter((s) => s.verb.id === V('commented')).map((s) => s.result.response)).toEqual(['Helpful.']);
    await page.context().close();
  }, 120_000);

  it('leaving half-way and relaunching (another browser, same registration) resumes the page and answers and sends nothing twice', async () => {
    const registration = randomUUID();
    const actor = { objectType: 'Agent', account: { homePage: 'https://lms.example.org', name: 'grace-7' } };
    const url = await lms.launchTincan({ path: 'index.html', actor, registration, activityId: courseIri });
    const p1 = await open(url);
    const half = data.questions.slice(0, 2);
    for (const q of half) await answer(p1.mainFrame(), q, true);
    await p1.click(`.cp-toc a[href="#${data.views[1]}"]`);
    await p1.waitForTimeout(1200);
    await p1.goto('about:blank');
    await until(registration, terminatedCount(1));
    await p1.context().close();

    const p2 = await open(await lms.launchTincan({ path: 'index.html', actor, registration, activityId: courseIri }));
    expect(await visibleView(p2.mainFrame())).toBe(data.views[1]);
    for (const q of half) {
      await openViewOf(p2.mainFrame(), q.dom);
      expect(await p2.$eval(`#${q.dom} .cp-fb`, (el) => el.className)).toContain('cp-ok');
    }
    await p2.click(`.cp-toc a[href="#${data.views[0]}"]`);
    await nextToEnd(p2.mainFrame());
    for (const q of data.questions.slice(half.length)) await answer(p2.mainFrame(), q, true);
    await p2.click('#cp-exit');
    const all = await until(registration, terminatedCount(2));
    expectValid(all);
    expect(all.filter((s) => s.verb.id === V('initialized'))).toHaveLength(2);
    expect(all.filter((s) => s.verb.id === V('passed'))).toHaveLength(1);
    expect(all.filter((s) => s.verb.id === V('completed') && s.object.definition.type === 'http://adlnet.gov/expapi/activities/module')).toHaveLength(1);
    expect(all.at(-1)!.verb.id).toBe(V('terminated'));
    await p2.context().close();
  }, 120_000);

  it('the LRS is down for the whole session and comes back: on the next launch every statement arrives, once', async () => {
    // A switchable path to the LRS: while "down" every connection is dropped, as when the server is unreachable.
    let down = true;
    const target = new URL(lrs.url);
    const proxy: Server = createServer((req, res) => {
      if (down) {
        req.socket.destroy();
        return;
      }
      const fwd = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.destroy());
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/xapi/`;
      const registration = randomUUID();
      const launchUrl = (await lms.launchTincan({ path: 'index.html', actor: LEGACY_ACTOR, registration, activityId: courseIri })).replace(
        /endpoint=[^&]+/,
        `endpoint=${encodeURIComponent(endpoint)}`,
      );
      const context = await browser.newContext();
      const p1 = await context.newPage();
      await p1.goto(launchUrl);
      await p1.waitForSelector('html.cp-ready');
      await nextToEnd(p1.mainFrame());
      for (const q of data.questions) await answer(p1.mainFrame(), q, true);
      await p1.click('#cp-exit');
      await p1.waitForSelector('#cp-notice.cp-notice-on');
      expect(await p1.textContent('#cp-notice')).toContain('Progress may not be saved');
      const queued = await p1.evaluate(() => {
        const k = Object.keys(localStorage).find((x) => x.startsWith('coursepack.xapi.outbox'));
        return k ? JSON.parse(localStorage.getItem(k)!).q.length : 0;
      });
      expect(queued).toBeGreaterThan(data.questions.length);
      await p1.close();
      expect(await statementsOf(lrs, registration)).toEqual([]);

      down = false;
      const p2 = await context.newPage();
      await p2.goto(launchUrl);
      await p2.waitForSelector('html.cp-ready');
      const all = await until(registration, (a) => a.length >= queued + 1 && a.filter((s) => s.verb.id === V('initialized')).length === 2);
      await p2.click('#cp-exit');
      const after = await until(registration, terminatedCount(2));
      expectValid(after);
      // The first session's queue went out first, in order and whole, then the second session.
      expect(all.slice(0, queued).map((s) => s.verb.id)).toEqual(expect.arrayContaining([V('initialized'), V('completed'), V('passed'), V('terminated')]));
      expect(after[0]!.verb.id).toBe(V('initialized'));
      expect(after[queued - 1]!.verb.id).toBe(V('terminated'));
      expect(after[queued]!.verb.id).toBe(V('initialized'));
      expect(after.at(-1)!.verb.id).toBe(V('terminated'));
      expect(after.filter((s) => s.verb.id === V('passed'))).toHaveLength(1);
      expect(after.filter((s) => s.verb.id === V('answered'))).toHaveLength(data.questions.length);
      await context.close();
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  }, 120_000);

  it('with a write-only key (no State) the statements still arrive and the learner sees no warning; progress stays in the browser', async () => {
    const registration = randomUUID();
    const page = await open(await lms.launchTincan({ path: 'index.html', actor: LEGACY_ACTOR, registration, activityId: courseIri, writeOnly: true }));
    await answer(page.mainFrame(), data.questions[0]!, true);
    await page.click('#cp-next');
    await page.waitForTimeout(1500);
    expect(await page.$eval('#cp-notice', (el) => el.classList.contains('cp-notice-on'))).toBe(false);
    const all = await until(registration, (a) => a.some((s) => s.verb.id === V('answered')));
    expectValid(all);
    await page.reload();
    await page.waitForSelector('html.cp-ready');
    expect(await page.$eval(`#${data.questions[0]!.dom} .cp-fb`, (el) => el.className)).toContain('cp-ok');
    await page.context().close();
  }, 60_000);

  it('a course with several modules: the launch page lists them and each link carries the launch parameters', async () => {
    const course = fixtureCourse();
    const files = TARGETS.xapi.files(course, course.modules.map((m) => ({ moduleId: m.id, files: fixtureModuleFiles(m.id) })), '');
    const multi = await startCmi5Lms(lrs, files);
    try {
      const url = await multi.launchTincan({ path: 'index.html', actor: LEGACY_ACTOR, registration: randomUUID(), activityId: course.iri });
      const page = await (await browser.newContext()).newPage();
      await page.goto(url);
      const search = new URL(url).search;
      const hrefs = await page.$$eval('a.cp-module', (as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual([`first-module/index.html${search}`, `second-module/index.html${search}`]);
      await page.click('a.cp-module >> nth=1');
      await page.waitForURL(/second-module\/index\.html\?/);
      expect(new URL(page.url()).search).toBe(search);
      await page.context().close();
    } finally {
      await multi.close();
    }
  }, 60_000);

  it('opened without launch parameters, the module works with progress in the browser and says so', async () => {
    const page = await open(`${lms.url}/content/index.html`);
    expect(await page.evaluate(() => (window as any).coursepackLaunch.state)).toBe('offline');
    expect(await page.textContent('#cp-notice')).toContain('without a learning record store');
    await page.click('#cp-next');
    expect(await visibleView(page.mainFrame())).toBe(data.views[1]);
    await page.context().close();
  }, 60_000);
});
