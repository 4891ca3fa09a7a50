// `coursepack build [course-dir] [--target xapi|cmi5|scorm12|web|all] [--out output] [--json]`
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { buildCourse, type BuildReport } from '../package/build.ts';
import { TARGET_IDS, type TargetId } from '../package/targets.ts';
import { formatBytes, plural, printProblems, problemsOf } from './output.ts';
import type { Problem } from '../errors.ts';
import type { LrsSettings } from '../course/types.ts';

const HELP = `Usage: coursepack build [course-dir] [options]

Builds the course (default: ./course) into LMS packages, validating every package
against the official schemas before anything is written.

Options:
  --target <t>   xapi | cmi5 | scorm12 | web | all (default: all); may be repeated or comma-separated
  --out <dir>    output folder (default: output)
  --lrs-endpoint <url>          the scorm12 package also sends xAPI statements to this LRS
                                (overrides course.yaml lrs; https, or http on 127.0.0.1/localhost)
  --lrs-key <key:secret>        the LRS key it sends them with: write-only, limited to the course IRI
  --allow-embedded-credentials  build even with a key that can read or is not limited (prints what it exposes)
  --json         print the result as one JSON object
  -h, --help     show this help

Exit codes: 0 success, 1 content or validation error, 2 bad usage.`;

export function parseTargets(values: string[] | undefined): TargetId[] {
  const raw = (values ?? ['all']).flatMap((v) => v.split(',')).map((v) => v.trim());
  const out = new Set<TargetId>();
  for (const t of raw) {
    if (t === 'all') TARGET_IDS.forEach((x) => out.add(x));
    else if ((TARGET_IDS as string[]).includes(t)) out.add(t as TargetId);
    else throw new Error(`unknown target '${t}' (expected one of: ${[...TARGET_IDS, 'all'].join(', ')})`);
  }
  return [...out];
}

export async function runBuild(argv: string[]): Promise<number> {
  let args;
  let targets: TargetId[];
  let lrs: LrsSettings | undefined;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        target: { type: 'string', multiple: true },
        out: { type: 'string', default: 'output' },
        json: { type: 'boolean', default: false },
        'lrs-endpoint': { type: 'string' },
        'lrs-key': { type: 'string' },
        'allow-embedded-credentials': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (args.positionals.length > 1) throw new Error(`expected at most one course folder, got ${args.positionals.length}`);
    targets = parseTargets(args.values.target);
    lrs = lrsOption(args.values['lrs-endpoint'], args.values['lrs-key'], args.values['allow-embedded-credentials']);
  } catch (err) {
    console.error(`coursepack build: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const json = args.values.json;
  const courseDir = args.positionals[0] ?? 'course';
  const started = Date.now();
  try {
    const report = await buildCourse({
      courseDir,
      outDir: args.values.out,
      targets,
      ...(lrs ? { lrs } : {}),
      onProgress: json ? undefined : (m) => process.stderr.write(`  ${m}\n`),
    });
    if (json) console.log(JSON.stringify(jsonReport(report, []), null, 2));
    else printReport(report, Date.now() - started);
    return 0;
  } catch (err) {
    const problems = problemsOf(err);
    if (json) console.log(JSON.stringify(jsonReport(undefined, problems), null, 2));
    else {
      printProblems(problems);
      console.error('\nBuild failed; nothing was written and earlier output is untouched.');
    }
    return problems.some((p) => p.code === 'INTERNAL') ? 70 : 1;
  }
}

/** --lrs-endpoint and --lrs-key go together; the key is KEY:SECRET as `lrs key create` prints it. */
export function lrsOption(endpoint: string | undefined, key: string | undefined, allow: boolean): LrsSettings | undefined {
  if (!endpoint && !key) return undefined;
  if (!endpoint || !key) throw new Error('--lrs-endpoint and --lrs-key must be given together');
  const at = key.indexOf(':');
  if (at < 1 || at === key.length - 1) throw new Error('--lrs-key must be KEY:SECRET');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`--lrs-endpoint '${endpoint}' is not a URL`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error('--lrs-endpoint must be an https:// address (http:// only for 127.0.0.1 or localhost)');
  }
  const href = url.href.endsWith('/') ? url.href : url.href + '/';
  return { endpoint: href, key: key.slice(0, at), secret: key.slice(at + 1), allowEmbeddedCredentials: allow };
}

function jsonReport(report: BuildReport | undefined, problems: Problem[]) {
  return {
    ok: report !== undefined,
    course: report?.course,
    artifacts: (report?.artifacts ?? []).map((a) => ({ path: a.path, target: a.target, sha256: a.sha256, bytes: a.bytes, folder: a.folder })),
    pages: report?.pages,
    questions: report?.questions,
    files: report?.files,
    suspendData: report?.suspendData,
    modules: report?.modules,
    warnings: report?.warnings ?? problems.filter((p) => p.severity === 'warning'),
    errors: problems.filter((p) => p.severity === 'error'),
  };
}

function printReport(r: BuildReport, ms: number): void {
  for (const a of r.artifacts) {
    console.log(`${rel(a.path)}  ${formatBytes(a.bytes)}  sha256:${a.sha256}`);
  }
  const sd = r.suspendData;
  console.log(
    `\n${r.course.title} ${r.course.version}: ${plural(r.modules.length, 'module')}, ${plural(r.pages, 'page')}, ` +
      `${plural(r.questions, 'question')}, ${plural(r.files, 'file')} per package`,
  );
  console.log(`suspend_data worst case: ${sd.worstCase} of ${sd.limit} characters (${Math.round((sd.worstCase / sd.limit) * 100)}%)`);
  if (r.warnings.length) {
    console.log('');
    printProblems(r.warnings, process.stdout);
  } else console.log('no warnings');
  console.log(`built in ${(ms / 1000).toFixed(2)} s`);
}

function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}
