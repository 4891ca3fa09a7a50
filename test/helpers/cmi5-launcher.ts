// A test LMS that plays the cmi5 LMS part (cmi5 §8, §10) against the embedded LRS, on
// loopback: it serves a package, and for each launch creates (or reuses) a
// registration, generates the AU's activityId (not the publisher id, the same on every
// launch of a registration), writes the LMS.LaunchData state document (contextTemplate
// with the publisher id and a new session id, launchMode, moveOn, masteryScore,
// returnURL), makes a per-session LRS key, and serves a single-use fetch URL: the first
// POST returns {"auth-token"}, every later one {"error-code": "1"} with HTTP 200
// (cmi5 8.2.3). Tincan (xapi) launches use the same server with query-string credentials.
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import type { Lrs } from '../../src/lrs/server.ts';
import { createKey } from '../../src/lrs/keys.ts';

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

export interface Cmi5LaunchOptions {
  /** The AU's url from cmi5.xml (relative to the package root). */
  auUrl: string;
  /** The AU's publisher id from cmi5.xml. */
  publisherId: string;
  launchMode?: 'Normal' | 'Browse' | 'Review';
  moveOn?: string;
  masteryScore?: number;
  /** Reuse an earlier registration (a relaunch of the same enrolment). */
  registration?: string;
  actor?: object;
}

export interface Cmi5Session {
  url: string;
  registration: string;
  activityId: string;
  sessionId: string;
  fetchUrl: string;
  returnUrl: string;
  /** How often the fetch URL was POSTed, and what it answered. */
  fetches: { status: number; body: Record<string, unknown> }[];
}

export interface TestCmi5Lms {
  url: string;
  launchCmi5(o: Cmi5LaunchOptions): Promise<Cmi5Session>;
  /** A Tin Can launch URL with query-string credentials (a write + state key). */
  /** writeOnly: the key a package would carry (statements only, no State, no reads). */
  launchTincan(o: { path: string; actor: object | string; registration?: string; activityId: string; writeOnly?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startCmi5Lms(lrs: Lrs, files: Map<string, Buffer>): Promise<TestCmi5Lms> {
  const admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
  const fetchUrls = new Map<string, { token: string; session: Cmi5Session }>();
  const activityIds = new Map<string, string>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/fetch/') && req.method === 'POST') {
      const f = fetchUrls.get(url.pathname);
      let body: Record<string, unknown>;
      if (!f) body = { 'error-code': '2', 'error-text': 'unknown launch session' };
      else if (f.session.fetches.length > 0) body = { 'error-code': '1', 'error-text': 'Already in use' };
      else body = { 'auth-token': f.token };
      f?.session.fetches.push({ status: 200, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
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

  const sessionKey = async (name: string, writeOnly = false): Promise<string> => {
    const k = await createKey(lrs.storage, writeOnly ? { name, scopes: ['statements:write'], writeOnly } : { name, scopes: ['statements:write', 'state'] });
    return Buffer.from(`${k.key}:${k.secret}`).toString('base64');
  };

  return {
    url: base,
    async launchCmi5(o) {
      const registration = o.registration ?? randomUUID();
      const auKey = `${registration}\n${o.publisherId}`;
      let activityId = activityIds.get(auKey);
      if (!activityId) {
        activityId = `${base}/lms/activities/${randomUUID()}`;
        activityIds.set(auKey, activityId);
      }
      const sessionId = randomUUID();
      const actor = o.actor ?? ACTOR;
      const returnUrl = `${base}/return?session=${sessionId}`;
      const launchData: Record<string, unknown> = {
        contextTemplate: {
          contextActivities: { grouping: [{ objectType: 'Activity', id: o.publisherId }] },
          extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': sessionId },
        },
        launchMode: o.launchMode ?? 'Normal',
        launchMethod: 'AnyWindow',
        moveOn: o.moveOn ?? 'CompletedAndPassed',
        returnURL: returnUrl,
      };
      if (o.masteryScore !== undefined) launchData.masteryScore = o.masteryScore;
      const stateUrl =
        `${lrs.endpoint}activities/state?stateId=LMS.LaunchData&activityId=${encodeURIComponent(activityId)}` +
        `&agent=${encodeURIComponent(JSON.stringify(actor))}&registration=${registration}`;
      const put = await fetch(stateUrl, {
        method: 'PUT',
        headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
        body: JSON.stringify(launchData),
      });
      if (!put.ok) throw new Error(`LaunchData PUT failed: ${put.status} ${await put.text()}`);
      const fetchPath = `/fetch/${randomUUID()}`;
      const session: Cmi5Session = { url: '', registration, activityId, sessionId, fetchUrl: base + fetchPath, returnUrl, fetches: [] };
      fetchUrls.set(fetchPath, { token: await sessionKey(`cmi5 session ${sessionId}`), session });
      const q = new URLSearchParams({
        endpoint: lrs.endpoint,
        fetch: session.fetchUrl,
        actor: JSON.stringify(actor),
        registration,
        activityId,
      });
      session.url = `${base}/content/${o.auUrl}?${q}`;
      return session;
    },
    async launchTincan(o) {
      const auth = `Basic ${await sessionKey('tincan launch', o.writeOnly)}`;
      const q = new URLSearchParams({
        endpoint: lrs.endpoint,
        auth,
        actor: typeof o.actor === 'string' ? o.actor : JSON.stringify(o.actor),
        activity_id: o.activityId,
      });
      if (o.registration) q.set('registration', o.registration);
      return `${base}/content/${o.path}?${q}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
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

/** A statement as the AU sent it: without what the LRS adds when storing. */
export function asSent(st: Record<string, any>): Record<string, unknown> {
  const { stored: _s, authority: _a, version: _v, ...rest } = st;
  return rest;
}
