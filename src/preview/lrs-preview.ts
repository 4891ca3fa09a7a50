// The LMS side of the xAPI and cmi5 previews, on the server: an in-process embedded LRS
// (in-memory SQLite, loopback, any free port), the launcher (src/preview/launch-lms.ts)
// with LRS keys scoped to the course IRI (Tin Can; cmi5 keys are per session), one registration per launchable unit that
// "Relaunch" keeps and "New attempt" replaces, and the routes the player page and the
// AU use: POST /_preview/launch, POST /_preview/fetch/… (cmi5 fetch URL),
// GET /_preview/statements?after=N, GET /_preview/return (cmi5 returnURL).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLrs, type Lrs } from '../lrs/server.ts';
import { createLaunchLms, PREVIEW_ACTOR, type LaunchLms } from './launch-lms.ts';
import type { LrsLaunch } from './lrs-launches.ts';
import { createStatementFeed, type StatementFeed } from './statement-feed.ts';

export interface LaunchAnswer {
  mode: 'resume' | 'new';
  url: string;
  registration: string;
  activityId: string;
  endpoint: string;
  actor: object;
  /** cmi5 only. */
  sessionId?: string;
  fetchUrl?: string;
}

export interface LrsPreview {
  endpoint: string;
  /** Handles the preview's LMS routes; false when `path` is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, launches: LrsLaunch[]): Promise<boolean>;
  close(): Promise<void>;
}

const BODY_LIMIT = 4096;

export async function startLrsPreview(kind: 'xapi' | 'cmi5', origin: string): Promise<LrsPreview> {
  const lrs: Lrs = await createLrs({ db: ':memory:', port: 0, host: '127.0.0.1' });
  const lms: LaunchLms = createLaunchLms(lrs, {
    base: origin,
    contentBase: `${origin}/pkg/`,
    fetchPath: '/_preview/fetch/',
    returnPath: '/_preview/return',
  });
  const feed: StatementFeed = createStatementFeed(lrs);
  const registrations = new Map<string, string>();

  async function launch(l: LrsLaunch, mode: 'resume' | 'new'): Promise<LaunchAnswer> {
    let registration = mode === 'resume' ? registrations.get(l.id) : undefined;
    if (!registration) {
      registration = randomUUID();
      registrations.set(l.id, registration);
    }
    const common = { mode, registration, endpoint: lrs.endpoint, actor: PREVIEW_ACTOR };
    if (kind === 'cmi5') {
      const mastery = l.masteryScore !== undefined ? Number(l.masteryScore) : undefined;
      const s = await lms.launchCmi5({
        auUrl: l.href,
        publisherId: l.id,
        moveOn: l.moveOn,
        masteryScore: mastery !== undefined && Number.isFinite(mastery) ? mastery : undefined,
        registration,
        actor: PREVIEW_ACTOR,
        // LMS-generated activity ids under the course IRI, so the session key's prefix covers them.
        activityIdBase: `${l.courseIri.replace(/\/$/, '')}/preview/au/`,
        // A course-scoped session key: the cmi5 and moveOn categories the AU adds
        // (https://w3id.org/xapi/cmi5/…) are category activities, which the LRS's prefix
        // check leaves out. The key is per session, made by the launcher, never in a package.
        activityPrefix: l.courseIri,
      });
      return { ...common, url: s.url, activityId: s.activityId, sessionId: s.sessionId, fetchUrl: s.fetchUrl };
    }
    const s = await lms.launchTincan({ path: l.href, actor: PREVIEW_ACTOR, registration, activityId: l.id, activityPrefix: l.courseIri });
    return { ...common, url: s.url, activityId: l.id };
  }

  return {
    endpoint: lrs.endpoint,
    async handle(req, res, path, launches) {
      if (path.startsWith('/_preview/fetch/') && req.method === 'POST') {
        await readBody(req);
        const answer = lms.answerFetch(path)!;
        json(res, answer.status, answer.body);
        return true;
      }
      if (path === '/_preview/launch' && req.method === 'POST') {
        // Only the player page may launch: a cross-site form or fetch carries another Origin.
        if (req.headers.origin !== `http://${req.headers.host}` || !/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
          json(res, 403, { error: 'launch requests come from the preview page only' });
          return true;
        }
        let body: { id?: unknown; mode?: unknown };
        try {
          body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        } catch {
          json(res, 400, { error: 'bad JSON' });
          return true;
        }
        const l = launches.find((x) => x.id === body.id) ?? (body.id === undefined ? launches[0] : undefined);
        if (!l) {
          json(res, 404, { error: 'no such launchable unit in the current build' });
          return true;
        }
        json(res, 200, await launch(l, body.mode === 'new' ? 'new' : 'resume'));
        return true;
      }
      if (path === '/_preview/statements' && req.method === 'GET') {
        const after = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('after') ?? 0);
        json(res, 200, { entries: await feed.after(Number.isFinite(after) ? after : 0) });
        return true;
      }
      if (path === '/_preview/return' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" });
        res.end('<!doctype html><html lang="en"><meta charset="utf-8"><title>Returned to the LMS</title><h1 id="lms-return">The AU returned to the LMS (returnURL).</h1><p>Use Relaunch or New attempt.</p></html>');
        return true;
      }
      return false;
    },
    close: () => lrs.close(),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}
