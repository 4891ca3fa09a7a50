// A test LMS that plays the cmi5 LMS part (cmi5 §8, §10) against the embedded LRS, on
// loopback: it serves a package, and for each launch creates (or reuses) a
// registration, generates the AU's activityId (not the publisher id, the same on every
// launch of a registration), writes the LMS.LaunchData state document (contextTemplate
// with the publisher id and a new session id, launchMode, moveOn, masteryScore,
// returnURL), makes a per-session LRS key, and serves a single-use fetch URL: the first
// POST returns {"auth-token"}, every later one {"error-code": "1"} with HTTP 200
// (cmi5 8.2.3). Tincan (xapi) launches use the same server with query-string credentials.
// The LMS logic itself lives in src/preview/launch-lms.ts (the preview uses it too).
import { createServer, type Server } from 'node:http';
import { extname } from 'node:path';
import type { Lrs } from '../../src/lrs/server.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import { moduleDataOf } from './learner.ts';
import { poll } from './poll.ts';
import { createLaunchLms, type Cmi5LaunchOptions, type Cmi5Session } from '../../src/preview/launch-lms.ts';

export type { Cmi5LaunchOptions, Cmi5Session };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.pdf': 'application/pdf',
};

export const ACTOR = { objectType: 'Agent', name: 'Ada Learner', account: { homePage: 'https://lms.example.org', name: 'ada-42' } };

export interface TestCmi5Lms {
  url: string;
  launchCmi5(o: Cmi5LaunchOptions): Promise<Cmi5Session>;
  /** A Tin Can launch URL with query-string credentials (a write + state key). */
  /** writeOnly: the key a package would carry (statements only, no State, no reads). */
  launchTincan(o: { path: string; actor: object | string; registration?: string; activityId: string; writeOnly?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** The launcher core (src/preview/launch-lms.ts) behind a server of its own that serves the package under /content/. */
export async function startCmi5Lms(lrs: Lrs, files: Map<string, Buffer>): Promise<TestCmi5Lms> {
  let lms: ReturnType<typeof createLaunchLms> | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST') {
      const answer = lms!.answerFetch(url.pathname);
      if (answer) {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer.body));
        return;
      }
    }
    if (url.pathname === '/return') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>LMS</title><h1 id="lms-return">Back in the LMS</h1>');
      return;
    }
    if (url.pathname.startsWith('/content/')) {
      const path = decodeURIComponent(url.pathname.slice('/content/'.length));
      const data = files.get(path);
      if (data) {
        res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
        res.end(data);
        return;
      }
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  lms = createLaunchLms(lrs, { base, contentBase: `${base}/content/` });

  return {
    url: base,
    launchCmi5: (o) => lms!.launchCmi5({ ...o, actor: o.actor ?? ACTOR }),
    launchTincan: async (o) => (await lms!.launchTincan(o)).url,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What a cmi5 LMS reads from a package's cmi5.xml to launch its AU, and the module data the AU's page embeds. */
export function cmi5Au(files: Map<string, Buffer>): { auUrl: string; publisherId: string; data: ModuleData } {
  const xml = files.get('cmi5.xml')!.toString();
  const auUrl = /<url>([^<]+)<\/url>/.exec(xml)![1]!;
  const publisherId = /<au [^>]*id="([^"]+)"/.exec(xml)![1]!;
  return { auUrl, publisherId, data: moduleDataOf(files.get(auUrl)!.toString()) };
}

/** The course activity id a Tin Can package's tincan.xml declares (its first activity). */
export function tincanCourseIri(files: Map<string, Buffer>): string {
  return /<activity id="([^"]+)"/.exec(files.get('tincan.xml')!.toString())![1]!;
}

/** Every statement the LRS holds for a registration, in the order it stored them. */
export async function statementsOf(lrs: Lrs, registration: string): Promise<Record<string, any>[]> {
  const admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
  const out: Record<string, any>[] = [];
  let next: string | null = `${lrs.endpoint}statements?registration=${registration}&ascending=true&limit=500&format=exact`;
  while (next) {
    const res: Response = await fetch(next, { headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' } });
    if (!res.ok) throw new Error(`GET statements: ${res.status}`);
    const body = (await res.json()) as { statements: Record<string, any>[]; more?: string };
    out.push(...body.statements);
    next = body.more ? new URL(body.more, lrs.url).toString() : null;
  }
  return out;
}

/** The registration's statements once done(all) holds; throws `fail` when they have not arrived within timeoutMs. */
export function statementsWhen(
  lrs: Lrs,
  registration: string,
  done: (all: Record<string, any>[]) => boolean,
  o: { timeoutMs?: number; fail?: string } = {},
): Promise<Record<string, any>[]> {
  return poll(() => statementsOf(lrs, registration), done, { timeoutMs: o.timeoutMs ?? 20_000, fail: o.fail ?? 'statements did not arrive' });
}

/** A statement as the AU sent it: without what the LRS adds when storing. */
export function asSent(st: Record<string, any>): Record<string, unknown> {
  const { stored: _s, authority: _a, version: _v, ...rest } = st;
  return rest;
}
