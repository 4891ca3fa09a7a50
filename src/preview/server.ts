// The preview server: builds the course in memory, serves the player page, the
// package files and the player's scripts on loopback only, watches the course folder
// and rebuilds on change, and tells open pages over Server-Sent Events to reload. A
// failed build is a page of problems, never a dead server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { CoursepackError, problem, type Problem } from '../errors.ts';
import { buildPackageFiles } from './package.ts';
import { renderFailedPage, renderPlayerPage, type PageModel } from './page.ts';
import { renderLrsPlayerPage } from './page-lrs.ts';
import { startLrsPreview, type LrsPreview } from './lrs-preview.ts';
import type { LrsLaunch } from './lrs-launches.ts';
import { previewTarget, type PreviewTarget } from './targets.ts';
import { watchCourse, type CourseWatcher } from './watch.ts';
import type { PackageFiles } from '../package/zip.ts';

export interface PreviewOptions {
  courseDir: string;
  /** scorm12 (default), xapi or cmi5 (these two with an in-process embedded LRS). */
  target?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Rebuild when the course folder changes (default true). */
  watch?: boolean;
  /** Quiet time after the last change before rebuilding (default 120 ms). */
  debounceMs?: number;
  /** Progress for the CLI to print; the library itself never prints. */
  onEvent?: (event: PreviewEvent) => void;
}

export type PreviewEvent =
  | { type: 'building'; build: number; reason: 'start' | 'change' }
  | { type: 'built'; build: number; ms: number; warnings: Problem[] }
  | { type: 'failed'; build: number; ms: number; problems: Problem[] }
  | { type: 'watch-error'; message: string };

export interface PreviewState {
  /** Number of the latest finished build (1 is the build at start-up). */
  build: number;
  ok: boolean;
  problems: Problem[];
  /** A build is running or queued. */
  building: boolean;
}

export interface PreviewServer {
  url: string;
  port: number;
  state(): PreviewState;
  /** The embedded LRS's xAPI endpoint (xapi and cmi5 targets only). */
  lrsEndpoint?: string;
  /** Rebuild now; resolves once the course on disk has been built (again, if it changed meanwhile). */
  rebuild(): Promise<PreviewState>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.xsd': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.vtt': 'text/vtt; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
// The player page runs only its own scripts and frames only this server.
const PLAYER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

const scripts = new Map<string, Promise<string>>();
/** A player script: scorm-again's own build, or one of ours bundled once per process. */
function script(name: string): Promise<string> | undefined {
  if (!/^[\w-]+$/.test(name)) return undefined;
  let found = scripts.get(name);
  if (!found) {
    if (name === 'scorm-again') {
      const file = createRequire(import.meta.url).resolve('scorm-again/scorm12/min');
      found = readFile(file, 'utf8');
    } else {
      if (!existsSync(`${CLIENT_DIR}${name}.ts`)) return undefined;
      found = esbuild({
        entryPoints: [`${CLIENT_DIR}${name}.ts`],
        bundle: true,
        format: 'iife',
        target: 'es2019',
        write: false,
        logLevel: 'silent',
      }).then((r) => r.outputFiles[0].text);
    }
    found.catch(() => scripts.delete(name));
    scripts.set(name, found);
  }
  return found;
}

interface Current extends PreviewState {
  model: PageModel;
  files: PackageFiles;
}

export async function startPreview(opts: PreviewOptions): Promise<PreviewServer> {
  const target: PreviewTarget = previewTarget(opts.target ?? 'scorm12');
  const courseDir = resolve(opts.courseDir);
  const info = await stat(courseDir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new CoursepackError(
      problem('PREVIEW_NO_COURSE', `course folder not found: ${courseDir}`, { hint: 'Pass the folder that holds course.yaml.' }),
    );
  }
  const emit = opts.onEvent ?? (() => {});
  await Promise.all(target.scripts.concat('live').map((s) => script(s)));

  let buildNo = 0;
  let current: Current | undefined;
  let lastGood: PackageFiles = new Map();
  const listeners = new Set<ServerResponse>();

  const broadcast = (event: string, data: unknown): void => {
    for (const res of listeners) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  async function buildOnce(reason: 'start' | 'change'): Promise<void> {
    const build = ++buildNo;
    emit({ type: 'building', build, reason });
    broadcast('building', { build });
    const started = Date.now();
    let model: PageModel;
    let files: PackageFiles = lastGood;
    try {
      const pkg = await buildPackageFiles(courseDir, target.packageTarget);
      const launches = target.launches(pkg.files);
      files = lastGood = pkg.files;
      const c = pkg.course;
      model = {
        build, target: target.id, ok: true, builtAt: new Date(), ms: Date.now() - started,
        course: { id: c.id, title: c.title, version: c.version }, launches, scripts: target.scripts, problems: pkg.warnings,
      };
      emit({ type: 'built', build, ms: model.ms, warnings: pkg.warnings });
    } catch (err) {
      const problems = problemsOf(err);
      model = { build, target: target.id, ok: false, builtAt: new Date(), ms: Date.now() - started, launches: [], scripts: [], problems };
      emit({ type: 'failed', build, ms: model.ms, problems });
    }
    current = { build, ok: model.ok, problems: model.problems, building: false, model, files };
    broadcast('build', { build, ok: model.ok });
  }

  let running: Promise<void> | undefined;
  let again = false;
  function rebuild(reason: 'start' | 'change' = 'change'): Promise<PreviewState> {
    if (running) again = true;
    else {
      running = (async () => {
        do {
          again = false;
          await buildOnce(reason);
        } while (again);
      })().finally(() => (running = undefined));
    }
    return running!.then(() => state());
  }
  const state = (): PreviewState => ({ build: current!.build, ok: current!.ok, problems: current!.problems, building: running !== undefined });

  await rebuild('start');

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, `internal error: ${(err as Error).message}`));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Another site's page resolving a name to 127.0.0.1 (DNS rebinding) gets nothing.
    if (!allowedHost(req.headers.host, port)) return send(res, 403, 'forbidden host');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(res, 400, 'bad path');
    }
    const cur = current!;
    if (lrsPreview && path.startsWith('/_preview/') && (await lrsPreview.handle(req, res, path, cur.model.launches as LrsLaunch[]))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    if (path === '/' || path === '/index.html') {
      const html = !cur.model.ok ? renderFailedPage(cur.model) : target.lrs ? renderLrsPlayerPage(cur.model) : renderPlayerPage(cur.model);
      return send(res, 200, html, TYPES['.html'], { 'content-security-policy': PLAYER_CSP });
    }
    if (path === '/_preview/events') return events(req, res);
    if (path === '/_preview/player.css') return send(res, 200, await readFile(`${CLIENT_DIR}player.css`), TYPES['.css']);
    let m = /^\/_preview\/([\w-]+)\.js$/.exec(path);
    if (m) {
      const body = script(m[1]);
      if (body) return send(res, 200, await body, TYPES['.js']);
    }
    m = /^\/pkg\/(.+)$/.exec(path);
    if (m) {
      // Only exact package paths exist in the map, so `..` cannot reach the disk.
      const file = cur.files.get(m[1]);
      if (file) return send(res, 200, file, TYPES[extname(m[1]).toLowerCase()] ?? 'application/octet-stream');
    }
    if (path === '/favicon.ico') return send(res, 204, '');
    send(res, 404, 'not found');
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: 1000\nevent: build\ndata: ${JSON.stringify({ build: current!.build, ok: current!.ok })}\n\n`);
    if (running) res.write(`event: building\ndata: {}\n\n`);
    listeners.add(res);
    req.on('close', () => listeners.delete(res));
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, HOST, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let lrsPreview: LrsPreview | undefined;
  if (target.lrs) {
    try {
      lrsPreview = await startLrsPreview(target.lrs, `http://${HOST}:${port}`);
    } catch (err) {
      await new Promise<void>((ok) => server.close(() => ok()));
      throw err;
    }
  }
  const heartbeat = setInterval(() => {
    for (const res of listeners) res.write(': keep-alive\n\n');
  }, 15000);
  heartbeat.unref();

  let watcher: CourseWatcher | undefined;
  if (opts.watch !== false) {
    watcher = watchCourse(
      courseDir,
      () => void rebuild('change'),
      (err) => emit({ type: 'watch-error', message: err.message }),
      opts.debounceMs,
    );
  }

  return {
    url: `http://${HOST}:${port}/`,
    port,
    lrsEndpoint: lrsPreview?.endpoint,
    state,
    rebuild: () => rebuild('change'),
    async close() {
      watcher?.close();
      clearInterval(heartbeat);
      await running?.catch(() => {});
      for (const res of listeners) res.end();
      listeners.clear();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      await lrsPreview?.close();
    },
  };
}

function allowedHost(host: string | undefined, port: number): boolean {
  return host === `${HOST}:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Anything thrown by a build, as problems; unexpected exceptions become INTERNAL. */
function problemsOf(err: unknown): Problem[] {
  if (err instanceof CoursepackError) return err.problems;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return [problem('NOT_FOUND', e.message, { file: e.path, hint: 'Check the path.' })];
  return [problem('INTERNAL', (e && e.message) || String(err), { hint: 'This is a bug in coursepack; please report it with the course that triggers it.' })];
}
