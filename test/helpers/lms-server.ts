// A test LMS on loopback: serves packages (from a rendered file map or a built zip)
// and an LMS page that hosts scorm-again's Scorm12API as window.API, wrapped in the
// strict checker, with the SCO in an iframe — the way Moodle and Blackboard launch it.
// Tests read what that LMS holds from the page (lmsState, exitSco).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { extname } from 'node:path';
import AdmZip from 'adm-zip';
import { build } from 'esbuild';
import type { Frame, Page } from 'playwright-core';
import type { StrictLms } from './strict-scorm12.ts';

const require = createRequire(import.meta.url);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

export interface LaunchOptions {
  /** Package name given to addPackage, and the launch file inside it. */
  pkg: string;
  href: string;
  /** cmi data the LMS starts with (scorm-again loadFromJSON shape), e.g. a resume. */
  cmi?: Record<string, unknown>;
  /** Leave window.API undefined. */
  noApi?: boolean;
  /** Publish window.API only this many milliseconds after the LMS page loads. */
  apiDelayMs?: number;
  /** Refuse LMSInitialize until a test sets __lms.refuseInitialize = false (see strict-scorm12.ts). */
  refuseInitialize?: boolean;
  /**
   * 'popup': the LMS page holds the API and opens the SCO in a new window when #launch is
   * pressed (Moodle's "New window" display), instead of an iframe in the page.
   */
  display?: 'frame' | 'popup';
}

export interface TestLms {
  url: string;
  addPackage(name: string, files: Map<string, Buffer>): void;
  /** URL of an LMS page launching the SCO in an iframe (or a pop-up: LaunchOptions.display). */
  launchUrl(opts: LaunchOptions): string;
  close(): Promise<void>;
}

export function filesFromZip(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of new AdmZip(zip).getEntries()) if (!e.isDirectory) out.set(e.entryName, e.getData());
  return out;
}

async function strictBundle(): Promise<string> {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./strict-scorm12.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'StrictScorm12',
    target: 'es2018',
    write: false,
  });
  return r.outputFiles[0].text;
}

function lmsPage(opts: LaunchOptions): string {
  const cfg = JSON.stringify(opts).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%;display:block}</style>
<script src="/scorm-again/scorm12.min.js"></script>
<script src="/strict.js"></script>
<script>
  var cfg = ${cfg};
  var inner = new Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
  if (cfg.cmi) inner.loadFromJSON(cfg.cmi, 'cmi');
  var lms = StrictScorm12.strictLms(inner);
  lms.inner = inner;
  window.__lms = lms;
  if (cfg.refuseInitialize) lms.refuseInitialize = true;
  if (cfg.apiDelayMs) setTimeout(function () { window.API = lms.api; }, cfg.apiDelayMs);
  else if (!cfg.noApi) window.API = lms.api;
</script></head>
<body>${
    opts.display === 'popup'
      ? `<button id="launch" type="button" onclick="window.open('/pkg/${encodeURIComponent(opts.pkg)}/${opts.href}', 'sco', 'width=1024,height=768')">Enter</button>`
      : `<iframe id="sco" title="Course module" src="/pkg/${encodeURIComponent(opts.pkg)}/${opts.href}"></iframe>`
  }</body></html>`;
}

export async function startTestLms(): Promise<TestLms> {
  const packages = new Map<string, Map<string, Buffer>>();
  const launches: string[] = [];
  const strict = await strictBundle();
  // The package's exports hide package.json; find dist/ from its main entry instead.
  const main = require.resolve('scorm-again');
  const scormAgainDir = main.slice(0, main.lastIndexOf('/dist/') + '/dist/'.length);
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      let m: RegExpExecArray | null;
      if (path === '/strict.js') return send(200, strict, TYPES['.js']);
      if ((m = /^\/scorm-again\/([\w.-]+\.js)$/.exec(path))) return send(200, await readFile(scormAgainDir + m[1]), TYPES['.js']);
      if ((m = /^\/lms\/(\d+)\.html$/.exec(path)) && launches[Number(m[1])]) return send(200, launches[Number(m[1])], TYPES['.html']);
      if ((m = /^\/pkg\/([^/]+)\/(.+)$/.exec(path))) {
        const file = packages.get(m[1])?.get(m[2]);
        if (file) return send(200, file, TYPES[extname(m[2]).toLowerCase()] ?? 'application/octet-stream');
      }
      send(404, 'not found');
    } catch (e) {
      send(500, String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    addPackage: (name, files) => packages.set(name, files),
    launchUrl(opts) {
      launches.push(lmsPage(opts));
      return `${url}/lms/${launches.length - 1}.html`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the strict LMS in a launch page has seen and kept (StrictLms without its API object), read from the page. */
export type LmsView = Omit<StrictLms, 'api'>;

export function lmsState(page: Page): Promise<LmsView> {
  return page.evaluate(() => {
    const l = (window as unknown as { __lms: StrictLms }).__lms;
    const { violations, calls, committed, failing, refuseInitialize, initRefused, initialised, finished, commits, moodleStatus } = l;
    return JSON.parse(JSON.stringify({ violations, calls, committed, failing, refuseInitialize, initRefused, initialised, finished, commits, moodleStatus }));
  });
}

/** Waits until the SCO in a launch page has called LMSFinish. */
export async function scoFinished(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __lms: StrictLms }).__lms.finished > 0);
}

/** Unloads the SCO the way an LMS does when the learner navigates away, and waits for its LMSFinish. */
export async function unloadSco(page: Page): Promise<void> {
  await page.evaluate(() => ((document.getElementById('sco') as HTMLIFrameElement).src = 'about:blank'));
  await scoFinished(page);
}

/** The learner presses Exit in the SCO (`frame`); waits for its LMSFinish and returns what the LMS then holds. */
export async function exitSco(page: Page, frame: Frame): Promise<LmsView> {
  await frame.click('#cp-exit');
  await scoFinished(page);
  return lmsState(page);
}
