// `coursepack report`: the educator's activity report from an LRS or an export file.
// Argument parsing, progress and printing only; the report itself is src/report/.
// Exit codes: 0 ok, 1 error, 2 bad usage.
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { CoursepackError, formatProblem } from '../errors.ts';
import { createServer } from 'node:http';
import { buildReport, createLiveReport, outlineOf, renderHtml, writeReport, type CourseOutline } from '../report/index.ts';
import type { AggregateOptions } from '../report/aggregate.ts';

const USAGE = `Usage:
  coursepack report --lrs <endpoint> --key <key:secret> [--course <course IRI> | course-dir] [--since DATE] [--until DATE] [--out output/report]
  coursepack report --from statements.ndjson|statements.json [same filters]

  --lrs            xAPI endpoint, e.g. http://127.0.0.1:8420/xapi/ (paged with 'more')
  --key            key:secret with the statements:read scope
  --from           an export: a JSON array of statements or one statement per line
  --course         only statements about this course IRI (a course-dir gives the IRI and the page order)
  --since/--until  ISO 8601 date or time; statements by timestamp (until is inclusive: a bare date means its whole day)
  --pseudonymise   a secret: learners are shown as a keyed hash (HMAC-SHA256), for reports shared outside the teaching team
  --out            folder for index.html, one CSV per table and summary.json (default output/report)
  --serve          keep running: the report live on http://127.0.0.1:PORT/ (with --lrs), refreshed from the LRS every 5 s
  --port           port for --serve (default 8421; 0 = any free port)
  --quiet          no progress on stderr`;

class UsageError extends Error {}

function date(v: string | undefined, name: string, endOfDay: boolean): Date | undefined {
  if (v === undefined) return undefined;
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const d = new Date(bare ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO 8601 date or time, got ${v}`);
  return bare && endOfDay ? new Date(d.getTime() + 86_400_000 - 1) : d;
}

export async function runReport(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`coursepack report: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof CoursepackError) {
      for (const p of e.problems) console.error(formatProblem(p));
      return 1;
    }
    console.error(`coursepack report: ${(e as Error).message}`);
    return 1;
  }
}

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        lrs: { type: 'string' },
        key: { type: 'string' },
        from: { type: 'string' },
        course: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        out: { type: 'string' },
        pseudonymise: { type: 'string' },
        quiet: { type: 'boolean' },
        serve: { type: 'boolean' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  if (!!v.lrs === !!v.from) throw new UsageError('give either --lrs (with --key) or --from');
  if (v.lrs && !v.key) throw new UsageError('--lrs needs --key key:secret');
  if (v.key && !v.key.includes(':')) throw new UsageError('--key must be key:secret');
  if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument ${parsed.positionals[1]}`);
  let outline: CourseOutline | undefined;
  const dir = parsed.positionals[0];
  if (dir) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a course folder`);
    const { loadCourse } = await import('../course/index.ts');
    outline = outlineOf((await loadCourse(dir)).course);
    if (v.course && v.course.replace(/\/$/, '') !== outline.iri) throw new UsageError(`--course ${v.course} is not the IRI of ${dir} (${outline.iri})`);
  }
  const since = date(v.since, 'since', false);
  if (v.serve) {
    if (!v.lrs) throw new UsageError('--serve needs --lrs (a file does not change)');
    if (v.port !== undefined && !/^\d+$/.test(v.port)) throw new UsageError('--port must be a whole number');
    return serve({ endpoint: v.lrs, key: v.key! }, { course: v.course ?? outline?.iri, outline, since, until: date(v.until, 'until', true), pseudonymiseKey: v.pseudonymise }, Number(v.port ?? 8421));
  }
  const until = date(v.until, 'until', true);
  const out = v.out ?? 'output/report';
  const quiet = !!v.quiet || !process.stderr;
  const t0 = performance.now();
  let lastShown = 0;
  let last = { read: 0, pass: 1 };
  const show = (p: { read: number; pass: number; bytesRead?: number; bytesTotal?: number }) => {
    const s = (performance.now() - t0) / 1000;
    const rate = p.read / Math.max(s, 1e-3);
    // An LRS does not say how many statements a query matches, so only a file has an ETA (from bytes read).
    const eta = p.bytesTotal && p.bytesRead && p.bytesRead < p.bytesTotal ? ` · ETA ${Math.max(0, (s * (p.bytesTotal - p.bytesRead)) / p.bytesRead).toFixed(0)} s` : '';
    process.stderr.write(`\r${p.pass > 1 ? 'rebuilding attempts with late-voided statements: ' : ''}${p.read} statements read · ${Math.round(rate)}/s${eta}   `);
  };
  const report = await buildReport({
    source: v.from ? { from: v.from } : { lrs: { endpoint: v.lrs!, key: v.key! } },
    course: v.course ?? outline?.iri,
    outline,
    since,
    until,
    pseudonymiseKey: v.pseudonymise,
    onProgress: quiet
      ? undefined
      : (p) => {
          if (p.pass === 1) last = p;
          const now = performance.now();
          if (now - lastShown < 500) return;
          lastShown = now;
          show(p);
        },
  });
  const files = await writeReport(report, out);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (!quiet) {
    show(last);
    process.stderr.write('\n');
  }
  const o = report.overview;
  console.log(
    `report: ${report.counts.used} statements (${report.counts.duplicates} duplicates, ${report.counts.voided} voided, ${report.counts.otherCourse} other course) in ${s} s — ` +
      `${o.learners} learners, ${o.attempts} attempts, ${o.completedAttempts} completed\n` +
      `wrote ${files.length} files to ${out}/ (open ${out}/index.html)`,
  );
  return 0;
}

/** `--serve`: the live report on loopback until Ctrl-C / SIGTERM. */
async function serve(lrs: { endpoint: string; key: string }, o: AggregateOptions, port: number): Promise<number> {
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const live = await createLiveReport({ ...o, lrs });
  let version = 0;
  let report = live.report();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(renderHtml(report, { live: { version } }));
    } else if (path === '/version') {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end(String(version));
    } else if (path === '/summary.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(report));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address();
  console.log(`live report on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/ (Ctrl-C to stop)`);
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      if ((await live.refresh()) > 0) {
        report = live.report();
        version++;
      }
    } catch (e) {
      console.error(e instanceof CoursepackError ? e.problems.map(formatProblem).join('\n') : (e as Error).message);
    } finally {
      busy = false;
    }
  }, Number(process.env.COURSEPACK_REPORT_POLL_MS ?? 5000));
  await stopped;
  clearInterval(timer);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return 0;
}
