// `coursepack preview [course-dir] [--target scorm12|xapi|cmi5] [--port N] [--no-open]`: starts
// the preview server (src/preview/), prints its URL and each rebuild, opens a browser
// when it can, and runs until Ctrl-C.
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CoursepackError } from '../errors.ts';
import { previewTarget } from '../preview/targets.ts';
import { startPreview, type PreviewEvent } from '../preview/server.ts';
import { printProblems, problemsOf } from './output.ts';

const HELP = `Usage: coursepack preview [course-dir] [options]

Builds the course (default: ./course) in memory and plays it in an LMS-like page on
http://127.0.0.1: the package in a frame, and beside it the LMS data (cmi) and every
API call with its error code (scorm12), or every statement the embedded LRS received
with its verdict under the coursepack xAPI profile (xapi, cmi5). Rebuilds and reloads
the page when the course changes; a build error is shown in the page. Nothing is
written to disk.

Options:
  --target <t>   scorm12 (default), xapi (Tin Can launch) or cmi5; xapi and cmi5
                 start an in-memory embedded LRS on another loopback port
  --port <n>     port on 127.0.0.1 (default 0: any free port)
  --no-open      do not open a browser (never opened when CI is set)
  -h, --help     show this help

Stop with Ctrl-C. Exit codes: 0 stopped, 1 cannot start, 2 bad usage.`;

export async function runPreview(argv: string[]): Promise<number> {
  let args;
  let port: number;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        target: { type: 'string', default: 'scorm12' },
        port: { type: 'string', default: '0' },
        'no-open': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (args.positionals.length > 1) throw new Error(`expected at most one course folder, got ${args.positionals.length}`);
    port = Number(args.values.port);
    if (!/^\d+$/.test(args.values.port) || port > 65535) throw new Error(`--port must be a number from 0 to 65535, got '${args.values.port}'`);
  } catch (err) {
    console.error(`coursepack preview: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  try {
    previewTarget(args.values.target);
  } catch (err) {
    const p = (err as CoursepackError).problems[0];
    console.error(`coursepack preview: ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`);
    return 2;
  }

  let server;
  try {
    server = await startPreview({
      courseDir: args.positionals[0] ?? 'course',
      target: args.values.target,
      port,
      onEvent: report,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') console.error(`coursepack preview: port ${port} is in use; pick another with --port, or --port 0 for any free port`);
    else printProblems(problemsOf(err));
    return 1;
  }
  // Listen for Ctrl-C before announcing the URL, so a stop right after it is clean.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log(`coursepack preview: ${server.url}  (Ctrl-C to stop)`);
  if (server.lrsEndpoint) console.log(`  embedded LRS: ${server.lrsEndpoint} (in memory; gone when the preview stops)`);
  if (!args.values['no-open'] && !process.env.CI) openBrowser(server.url);
  await stopped;
  await server.close();
  return 0;
}

function report(e: PreviewEvent): void {
  switch (e.type) {
    case 'building':
      if (e.reason === 'change') process.stderr.write(`  course changed; rebuilding (build ${e.build})\n`);
      break;
    case 'built':
      process.stderr.write(`  build ${e.build} ok in ${e.ms} ms\n`);
      if (e.warnings.length) printProblems(e.warnings);
      break;
    case 'failed':
      process.stderr.write(`  build ${e.build} failed; the page shows the problems until the course is fixed\n`);
      printProblems(e.problems);
      break;
    case 'watch-error':
      process.stderr.write(`  watching the course folder stopped: ${e.message}; restart the preview to pick up changes\n`);
      break;
  }
}

/** Opens the URL with the desktop's opener if there is one; a missing opener is not an error. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? undefined : 'xdg-open';
  if (!opener || !onPath(opener)) return;
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // The URL is printed; the author can open it by hand.
  }
}

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
