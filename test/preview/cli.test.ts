// `coursepack preview` as a user runs it: the real CLI in a child process. It prints a
// loopback URL that serves the player, stops cleanly on Ctrl-C, serves cmi5 with its
// embedded LRS, refuses an unknown target with exit 2, reports a busy port, and opens a browser only when it should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, runCli } from '../helpers/cli.ts';

/** Polls with room for a loaded machine (2 cores shared by several test runs). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10000, interval: 50 });

const BIN = fileURLToPath(new URL('../../bin/coursepack.js', import.meta.url));
const COURSE_DIR = fileURLToPath(new URL('../../course', import.meta.url));

let tmp: string;
let courseDir: string;
let fakeBin: string;

interface Running {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | string | null>;
}

/** Starts `coursepack preview …` and waits for the URL line (or for the process to end). */
async function start(args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'preview', ...args], { cwd: ROOT, env: { ...env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const url = await new Promise<string>((resolve) => {
    const check = (): void => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', check);
    void exit.then(() => resolve(''));
  });
  return { child, url, stdout: () => out, stderr: () => err, exit };
}

/**
 * The environment of a desktop user, minus CI. PATH holds only our recording xdg-open,
 * or nothing at all, so the machine's real opener is never run by the tests.
 */
function desktopEnv(withOpener: boolean): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CI;
  env.PATH = withOpener ? fakeBin : join(tmp, 'empty');
  return env;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'coursepack-preview-cli-'));
  courseDir = join(tmp, 'course');
  cpSync(COURSE_DIR, courseDir, { recursive: true });
  fakeBin = join(tmp, 'bin');
  mkdirSync(fakeBin);
  mkdirSync(join(tmp, 'empty'));
  writeFileSync(join(fakeBin, 'xdg-open'), `#!/bin/sh\necho "$@" >> "${join(tmp, 'opened.txt')}"\n`);
  chmodSync(join(fakeBin, 'xdg-open'), 0o755);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('coursepack preview (CLI)', () => {
  it('prints a 127.0.0.1 URL serving the player, refuses other Host names, and stops with exit 0 on Ctrl-C', async () => {
    const run = await start([courseDir, '--port', '0', '--no-open'], { ...process.env });
    expect(run.url, run.stderr()).not.toBe('');
    const page = await fetch(run.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('Involving patients in health professions education');
    expect(html).toContain('id="sco"');
    // A page elsewhere that rebinds its name to 127.0.0.1 gets nothing.
    const port = new URL(run.url).port;
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toMatch(/build 1 ok in \d+ ms/);
  });

  it('a course that does not build still starts: the problem is printed and the page shows it', async () => {
    const broken = join(tmp, 'broken');
    cpSync(courseDir, broken, { recursive: true });
    writeFileSync(join(broken, 'course.yaml'), readFileSync(join(broken, 'course.yaml'), 'utf8').replace(/^passMark: 80$/m, 'passMark: lots'));
    const run = await start([broken, '--no-open'], { ...process.env });
    expect(run.url, run.stderr()).not.toBe('');
    expect(run.stderr()).toMatch(/course\.yaml:\d+:\d+ {2}COURSE_SCHEMA {2}passMark: /);
    const html = await (await fetch(run.url)).text();
    expect(html).toContain('<h1>Build failed</h1>');
    expect(html).toContain('data-code="COURSE_SCHEMA"');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('--target cmi5 serves the cmi5 player with its embedded LRS; an unknown target exits 2', async () => {
    const run = await start([courseDir, '--target', 'cmi5', '--no-open'], { ...process.env });
    expect(run.url, run.stderr()).not.toBe('');
    await poll(() => run.stdout()).toMatch(/embedded LRS: http:\/\/127\.0\.0\.1:\d+\/xapi\//);
    const html = await (await fetch(run.url)).text();
    expect(html).toContain('cmi5 preview');
    expect(html).toContain('id="statements"');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    const unknown = runCli(['preview', courseDir, '--target', 'scorm2004']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown preview target 'scorm2004'");
  });

  it('a busy port or a missing course folder exits 1 with a message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const busy = runCli(['preview', courseDir, '--port', String(port), '--no-open']);
    blocker.close();
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`port ${port} is in use`);
    const missing = runCli(['preview', join(tmp, 'no-such-course'), '--no-open']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('PREVIEW_NO_COURSE');
  });

  it('opens the URL with xdg-open outside CI, not with --no-open or CI set, and starts without an opener', async () => {
    const opened = join(tmp, 'opened.txt');
    const cases: { args: string[]; env: NodeJS.ProcessEnv; opens: boolean }[] = [
      { args: [], env: desktopEnv(true), opens: true },
      { args: ['--no-open'], env: desktopEnv(true), opens: false },
      { args: [], env: { ...desktopEnv(true), CI: 'true' }, opens: false },
      { args: [], env: desktopEnv(false), opens: false },
    ];
    for (const c of cases) {
      rmSync(opened, { force: true });
      const run = await start([courseDir, ...c.args], c.env);
      expect(run.url, run.stderr()).not.toBe('');
      if (c.opens) {
        await poll(() => existsSync(opened) && readFileSync(opened, 'utf8')).toBe(`${run.url}\n`);
      } else {
        // Give a wrongly spawned opener time to write before checking it did not.
        await new Promise((r) => setTimeout(r, 300));
        expect(existsSync(opened)).toBe(false);
      }
      run.child.kill('SIGINT');
      expect(await run.exit, `${JSON.stringify(c.args)} ${run.stderr()}`).toBe(0);
    }
  });
});
