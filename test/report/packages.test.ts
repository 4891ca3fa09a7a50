// End to end from real learners: the example course built as an xAPI (Tin Can) package,
// played in Chromium by two learners through the visible controls against the embedded
// LRS (one completes with every answer right and leaves a comment, one answers the first
// two questions wrong and leaves half-way), then `coursepack report --lrs … course-dir`
// over what the LRS stored.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lrs } from '../../src/lrs/server.ts';
import { createKey } from '../../src/lrs/keys.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import type { Report } from '../../src/report/types.ts';
import { answer, nextToEnd, openModule, sendComment } from '../helpers/learner.ts';
import { statementsWhen, tincanCourseIri, type TestCmi5Lms } from '../helpers/cmi5-launcher.ts';
import { startLrsE2e, type LrsE2e } from '../helpers/lrs-e2e.ts';
import { xapiComments } from '../helpers/example-course.ts';
import { runCliAsync } from '../helpers/cli.ts';

const V = (v: string) => `http://adlnet.gov/expapi/verbs/${v}`;

let e2e: LrsE2e;
let dir: string;
let courseDir: string;
let lrs: Lrs;
let lms: TestCmi5Lms;
let browser: Browser;
let data: ModuleData;
let courseIri: string;

beforeAll(async () => {
  // Comments are sent as commented statements (feedback.xapi), as in test/e2e/xapi.test.ts.
  e2e = await startLrsE2e({ prefix: 'cp-report-pkg-', target: 'xapi', yaml: xapiComments });
  ({ lrs, lms, browser } = e2e);
  ({ dir, courseDir, data } = e2e.built);
  courseIri = tincanCourseIri(e2e.built.files);
}, 120_000);

afterAll(() => e2e?.close());

const open = (url: string): Promise<Page> => openModule(browser, url);
const until = (registration: string, verb: string) =>
  statementsWhen(lrs, registration, (all) => all.some((s) => s.verb.id === verb), { fail: `no ${verb} for ${registration}` });

describe('report over statements sent by the real package', () => {
  it('two learners played in Chromium: completion, pass, funnel, question facility and the comment', async () => {
    // Grace completes everything right and comments.
    const grace = randomUUID();
    const p1 = await open(await lms.launchTincan({ path: 'index.html', actor: { objectType: 'Agent', name: 'Grace', mbox: 'mailto:grace@example.org' }, registration: grace, activityId: courseIri }));
    await p1.click(`.cp-toc a[href="#${data.views[0]}"]`);
    await nextToEnd(p1.mainFrame());
    for (const q of data.questions) await answer(p1.mainFrame(), q, true);
    await sendComment(p1.mainFrame(), 'Clear <b>and</b> useful.');
    await p1.click('#cp-exit');
    await until(grace, V('terminated'));
    await p1.context().close();
    // Hal answers the first two questions wrong and leaves without finishing.
    const hal = randomUUID();
    const p2 = await open(await lms.launchTincan({ path: 'index.html', actor: { objectType: 'Agent', name: 'Hal', mbox: 'mailto:hal@example.org' }, registration: hal, activityId: courseIri }));
    for (const q of data.questions.slice(0, 2)) await answer(p2.mainFrame(), q, false);
    await p2.waitForTimeout(1200);
    await p2.goto('about:blank');
    await until(hal, V('terminated'));
    await p2.context().close();

    const k = await createKey(lrs.storage, { name: 'reports', scopes: ['statements:read'] });
    const out = join(dir, 'report');
    const r = await runCliAsync(['report', '--lrs', lrs.endpoint, '--key', `${k.key}:${k.secret}`, courseDir, '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Report;
    expect(s.course.iri).toBe(courseIri);
    expect(s.overview).toMatchObject({ learners: 2, attempts: 2, completedAttempts: 1, completionRate: 0.5, passedAttempts: 1, judgedAttempts: 1, passRate: 1, meanScore: 100 });
    expect(s.learners.map((l) => [l.learner, l.status, l.score])).toEqual([
      ['Grace', 'passed', 100],
      ['Hal', 'in progress', null],
    ]);
    // Both reached the first page; only Grace the last one.
    expect(s.funnel[0]!.learners).toBe(2);
    expect(s.funnel.at(-1)!.learners).toBe(1);
    // Only Grace finished the quiz: each question has one finished attempt, all right (facility 100).
    const scored = s.questions.filter((q) => q.attempts > 0);
    expect(scored.length).toBeGreaterThan(0);
    for (const q of scored) expect(q.facility).toBe(100);
    // Questions in course order (the course folder's): Hal answered the first two, wrongly; they
    // show in the answer frequencies as incorrect responses.
    expect(s.questions.map((q) => q.answers)).toEqual(data.questions.map((_, i) => (i < 2 ? 2 : 1)));
    for (const q of s.questions.slice(0, 2)) expect(q.responses.filter((a) => !a.correct).reduce((t, a) => t + a.count, 0)).toBeGreaterThan(0);
    expect(s.feedback.comments.map((c) => [c.learner, c.text])).toEqual([['Grace', 'Clear <b>and</b> useful.']]);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Clear &lt;b&gt;and&lt;/b&gt; useful.');
  }, 180_000);
});
