// xAPI/cmi5 delivery figures for `npm run bench` (issue 4): the runtime's JS+CSS
// gzipped (one bundle serves every target; budget ≤ 40 KB with xAPI), and the time from
// launching the built package in Chromium to its first statement being stored in the
// embedded LRS, for a cmi5 launch (fetch URL, LaunchData, learner preferences, progress
// State, then initialized) and a Tin Can launch (landing page redirect, progress State,
// then initialized). Median of 7 launches each; the outbox waits 100 ms to batch.
// Then the statements/s the outbox sustains against the embedded LRS, as a ratio to the
// same statements POSTed directly in the same run (bench/outbox-throughput.ts), so the
// figure holds on a noisy machine. Ends with a Markdown table of every figure.
import { gzipSync } from 'node:zlib';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runtimeCss, runtimeJs } from '../src/render/bundle.ts';
import { buildCourse } from '../src/package/build.ts';
import { createLrs } from '../src/lrs/server.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { filesFromZip } from '../test/helpers/lms-server.ts';
import { startCmi5Lms, statementsOf } from '../test/helpers/cmi5-launcher.ts';
import { compareOutboxThroughput } from './outbox-throughput.ts';

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const js = gzipSync(await runtimeJs(), { level: 9 }).length;
const css = gzipSync(await runtimeCss(), { level: 9 }).length;
console.log(`runtime JS+CSS gzipped: ${kb(js + css)} (JS ${kb(js)}, CSS ${kb(css)}); budget 40 KB`);
/** Rows of the closing Markdown table: figure, value. */
const rows: [string, string][] = [['runtime JS + CSS, gzipped (one bundle for every target)', `${kb(js + css)} (JS ${kb(js)}, CSS ${kb(css)}); budget 40 KB`]];

const dir = await mkdtemp(join(tmpdir(), 'cp-bench-xapi-'));
const report = await buildCourse({ courseDir: 'course', outDir: dir, targets: ['cmi5', 'xapi'] });
const pkg = async (t: string) => filesFromZip(await readFile(report.artifacts.find((a) => a.target === t)!.path));
const cmi5Files = await pkg('cmi5');
const xml = cmi5Files.get('cmi5.xml')!.toString();
const auUrl = /<url>([^<]+)<\/url>/.exec(xml)![1]!;
const publisherId = /<au [^>]*id="([^"]+)"/.exec(xml)![1]!;
const courseIri = /<course id="([^"]+)"/.exec(xml)![1]!;
const lrs = await createLrs({ db: join(dir, 'lrs.sqlite'), port: 0, rateLimit: 0 });
const cmi5Lms = await startCmi5Lms(lrs, cmi5Files);
const xapiLms = await startCmi5Lms(lrs, await pkg('xapi'));
const browser = await launchChromium();

async function firstStatementMs(launch: () => Promise<{ url: string; registration: string }>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const { url, registration } = await launch();
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const t0 = performance.now();
    await page.goto(url);
    while ((await statementsOf(lrs, registration)).length === 0) await new Promise((r) => setTimeout(r, 5));
    times.push(performance.now() - t0);
    await ctx.close();
  }
  return times.sort((a, b) => a - b);
}
const show = (name: string, t: number[]) => {
  console.log(`${name}: launch → first statement stored, median ${t[3]!.toFixed(0)} ms (min ${t[0]!.toFixed(0)}, max ${t.at(-1)!.toFixed(0)}, 7 launches)`);
  rows.push([`${name}: launch → first statement stored (median of 7)`, `${t[3]!.toFixed(0)} ms (${t[0]!.toFixed(0)}–${t.at(-1)!.toFixed(0)})`]);
};

try {
  show('cmi5', await firstStatementMs(async () => {
    const s = await cmi5Lms.launchCmi5({ auUrl, publisherId, masteryScore: 0.8 });
    return { url: s.url, registration: s.registration };
  }));
  show('xapi', await firstStatementMs(async () => {
    const registration = randomUUID();
    const url = await xapiLms.launchTincan({ path: 'index.html', actor: { mbox: 'mailto:bench@example.org' }, registration, activityId: courseIri });
    return { url, registration };
  }));
} finally {
  await browser.close();
  await cmi5Lms.close();
  await xapiLms.close();
  await lrs.close();
  await rm(dir, { recursive: true, force: true });
}

// The outbox after the browser is gone (it runs in Node here, against a fresh LRS per run).
const N = 2000;
const BATCH = 50;
const cmp = await compareOutboxThroughput(N, BATCH, 5);
for (const r of cmp.rounds) {
  console.log(`outbox ${r.outbox.perSecond} statements/s (${r.outbox.posts} POSTs), direct ${r.direct.perSecond} statements/s (${r.direct.posts} POSTs): ratio ${r.ratio.toFixed(2)}`);
}
const m = cmp.median;
const ratios = cmp.rounds.map((r) => r.ratio).sort((a, b) => a - b);
rows.push(
  [`outbox: ${N} statements (${m.outbox.bytesPerStatement} B each), batches of ${BATCH}, vs the same POSTed directly (median of ${cmp.rounds.length} rounds)`,
    `${(m.ratio * 100).toFixed(0)} % of direct (${ratios.map((r) => r.toFixed(2)).join(', ')})`],
  ['outbox statements/s (that round)', `${m.outbox.perSecond} (enqueue ${m.outbox.enqueueMs} ms, flush ${m.outbox.flushMs} ms, ${m.outbox.posts} POSTs)`],
  ['direct statements/s (that round)', `${m.direct.perSecond} (${m.direct.flushMs} ms, ${m.direct.posts} POSTs)`],
);
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`\nload average at the end: ${load} (2 cores shared)\n`);
console.log('| figure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
