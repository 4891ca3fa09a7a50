// Report benchmark: `coursepack report` over 10k, 100k and 1M generated statements —
// wall time, statements/s and peak memory (maxRSS of the process that builds the report).
//
//   node --expose-gc --import tsx bench/report.bench.ts          (npm run bench -- report)
//
// Statements are what the packages send (built with src/xapi/profile.ts): per attempt an
// initialized, 12 pages, 8 answers, completed + passed/failed, terminated, sometimes a
// comment, a glossary look-up or a print; 1% of statements are delivered twice and a few
// are voided. Two sources:
//   - lrs:  seeded straight into the embedded LRS's SQLite store (as bench/lrs.bench.ts does),
//           served by `coursepack lrs` in its own process, read over HTTP with `more` (pages of 500);
//   - file: the same statements as an NDJSON export (`report --from`).
// The report runs in a child process each time so its maxRSS is its own.
// Env: BENCH_REPORT_SIZES (default 10000,100000,1000000), BENCH_REPORT_LRS_MAX (largest
// size also run through the LRS; default 1000000 — seeding 1M straight into SQLite takes about 1.5 min).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as P from '../src/xapi/profile.ts';
import type { QuestionInput, Statement } from '../src/xapi/profile.ts';

const IRI = 'https://bench.example.org/courses/consent';
const COURSE = { iri: IRI, title: 'Consent', version: '1.0.0', language: 'en' };
const MODULE = { id: 'm1', title: 'Module one' };
const QUIZ = { id: 'check', title: 'Check' };
const PAGES = Array.from({ length: 12 }, (_, i) => ({ id: `p${i + 1}`, title: `Page ${i + 1}` }));
const QUESTIONS: QuestionInput[] = Array.from({ length: 8 }, (_, i) =>
  i % 2
    ? { id: `q${i}`, quiz: 'check', prompt: `Question ${i}`, weighting: 1, type: 'true-false', correct: true }
    : { id: `q${i}`, quiz: 'check', prompt: `Question ${i}`, weighting: 1, type: 'single-choice', choices: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }, { id: 'c', text: 'C' }, { id: 'd', text: 'D' }], correct: 2 },
);

/** Calls emit for n statements (duplicates and voiding statements included in n). */
export function generate(n: number, emit: (s: object) => void): void {
  for (const s of statements(n)) emit(s);
}

/** n statements, lazily (duplicates and voiding statements included in n). */
export function* statements(n: number): Generator<object> {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  let count = 0;
  let t = Date.parse('2026-09-01T08:00:00Z');
  const queue: object[] = [];
  const out = (s: object) => {
    if (count >= n) return;
    queue.push(s);
    count++;
    if (count < n && rand() < 0.01) {
      queue.push(s); // a duplicate delivery
      count++;
    }
  };
  for (let learner = 0; count < n; learner++) {
    yield* queue.splice(0);
    const s: P.Session = {
      actor: { objectType: 'Agent', name: `Learner ${learner}`, account: { homePage: 'https://lms.example.org', name: `u${learner}` } },
      registration: randomUUID(),
      course: COURSE,
      module: MODULE,
      platform: 'coursepack bench',
      now: () => new Date(t),
      uuid: randomUUID,
    };
    const ability = rand();
    out(P.initialized(s));
    const reach = rand() < 0.8 ? PAGES.length : 1 + Math.floor(rand() * PAGES.length);
    for (let i = 0; i < reach; i++) {
      const ms = 5000 + Math.floor(rand() * 60000);
      t += ms;
      const st = P.experiencedPage(s, PAGES[i]!, { durationMs: ms });
      out(st);
      if (rand() < 0.002) out({ id: randomUUID(), actor: s.actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } }, object: { objectType: 'StatementRef', id: st.id }, timestamp: new Date(t).toISOString() });
    }
    if (reach < PAGES.length) continue;
    let right = 0;
    for (const q of QUESTIONS) {
      t += 3000;
      const ok = rand() < 0.3 + 0.6 * ability;
      if (ok) right++;
      out(P.answeredQuestion(s, QUIZ, q, q.type === 'true-false' ? ok : ok ? 2 : Math.floor(rand() * 2)));
    }
    t += 1000;
    out(P.completedModule(s, { durationMs: 600000 }));
    out(P.judgedModule(s, { raw: (100 * right) / QUESTIONS.length, max: 100 }, 60));
    if (rand() < 0.2) out(P.commented(s, { comment: `Comment <b>${learner}</b>`, rating: 1 + Math.floor(rand() * 5) }));
    if (rand() < 0.3) out(P.viewedGlossaryTerm(s, { id: 'consent', term: 'Consent' }));
    if (rand() < 0.1) out(P.printed(s));
    out(P.terminated(s, { durationMs: 700000, progress: 100 }));
    t += 60000;
  }
  yield* queue.splice(0);
}

function writeNdjson(path: string, n: number): void {
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  generate(n, (s) => {
    buf.push(JSON.stringify(s));
    if (buf.length >= 2000) {
      writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  });
  writeSync(fd, buf.join('\n') + '\n');
  closeSync(fd);
}

export async function seedLrs(db: string, n: number): Promise<{ seconds: number; key: string }> {
  const { openStorage } = await import('../src/lrs/server.ts');
  const { prepareStatement } = await import('../src/lrs/statements.ts');
  const { createKey } = await import('../src/lrs/keys.ts');
  const storage = await openStorage(db);
  const seedKey = { id: 'cpk_seed', name: 'seed', scopes: ['all'], activityPrefix: null, writeOnly: false, secretHash: '-', createdMs: 0, revokedMs: null, rateLimit: null };
  const t0 = performance.now();
  let now = Date.now() - n;
  let rows: ReturnType<typeof prepareStatement>['row'][] = [];
  let acts: ReturnType<typeof prepareStatement>['activities'] = [];
  const seenIds = new Set<string>();
  for (const s of statements(n)) {
    const id = (s as Statement).id;
    if (seenIds.has(id)) continue; // the LRS stores a resend once anyway
    seenIds.add(id);
    const p = prepareStatement(s, { key: seedKey, homePage: 'http://127.0.0.1/xapi/', now: now++ });
    rows.push(p.row);
    if (acts.length < 200) acts.push(...p.activities);
    if (rows.length >= 5000) {
      await storage.insertStatements(rows, acts);
      rows = [];
      acts = [];
    }
  }
  if (rows.length) await storage.insertStatements(rows, acts);
  const k = await createKey(storage, { name: 'bench report', scopes: ['statements:read'] });
  await storage.close();
  return { seconds: (performance.now() - t0) / 1000, key: `${k.key}:${k.secret}` };
}

const BIN = fileURLToPath(new URL('../bin/coursepack.js', import.meta.url));

export async function startLrs(db: string): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'lrs', '--db', db, '--port', '0', '--quiet', '--rate-limit', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /endpoint: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (c) => reject(new Error(`lrs exited ${c}`)));
  });
  return {
    endpoint,
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the report in a child process (this file with --child) and returns its own timing and maxRSS. */
function runChild(args: object): { ms: number; cpuMs: number; maxRssMb: number; used: number; read: number; learners: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`report child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

async function child(args: { from?: string; endpoint?: string; key?: string; out: string }) {
  const { buildReport, writeReport } = await import('../src/report/index.ts');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const report = await buildReport({
    source: args.from ? { from: args.from } : { lrs: { endpoint: args.endpoint!, key: args.key! } },
    course: IRI,
  });
  await writeReport(report, args.out);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, used: report.counts.used, read: report.counts.read, learners: report.overview.learners }));
}

async function main() {
  const sizes = (process.env.BENCH_REPORT_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  const lrsMax = Number(process.env.BENCH_REPORT_LRS_MAX ?? 1000000);
  const dir = mkdtempSync(join(tmpdir(), 'cp-report-bench-'));
  const rows: string[] = [];
  const line = (source: string, n: number, r: ReturnType<typeof runChild>) =>
    `| ${source} | ${n.toLocaleString('en')} | ${(r.ms / 1000).toFixed(2)} s | ${(r.cpuMs / 1000).toFixed(2)} s | ${Math.round((r.read / r.ms) * 1000).toLocaleString('en')} | ${r.maxRssMb.toFixed(0)} MB | ${r.learners.toLocaleString('en')} |`;
  try {
    for (const n of sizes) {
      const file = join(dir, `s${n}.ndjson`);
      const tg = performance.now();
      writeNdjson(file, n);
      console.error(`generated ${n} statements (${(statSync(file).size / 2 ** 20).toFixed(0)} MB NDJSON) in ${((performance.now() - tg) / 1000).toFixed(1)} s`);
      const rf = runChild({ from: file, out: join(dir, `out-file-${n}`) });
      rows.push(line('file (NDJSON)', n, rf));
      console.error(rows.at(-1));
      rmSync(file);
      if (n <= lrsMax) {
        const db = join(dir, `lrs${n}.sqlite`);
        const seeded = await seedLrs(db, n);
        console.error(`seeded ${n} statements into SQLite in ${seeded.seconds.toFixed(1)} s`);
        const lrs = await startLrs(db);
        try {
          const rl = runChild({ endpoint: lrs.endpoint, key: seeded.key, out: join(dir, `out-lrs-${n}`) });
          rows.push(line('embedded LRS (HTTP, pages of 500)', n, rl));
          console.error(rows.at(-1));
        } finally {
          await lrs.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nReport benchmark (${new Date().toISOString()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}); targets: 1M within 15 s, peak < 500 MB\n`);
  console.log('| source | statements | wall time | CPU time (report process) | statements/s | peak memory (maxRSS) | learners |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]!));
else if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
