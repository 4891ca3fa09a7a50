// The LMS part of an xAPI launch, against an embedded LRS (cmi5 §8, §10; Tin Can launch):
// for cmi5 it creates (or reuses) a registration, gives each AU of a registration one
// LMS-generated activityId (not the publisher id), writes the LMS.LaunchData state document
// (contextTemplate with the publisher id and a new session id, launchMode, moveOn,
// masteryScore, returnURL), makes a per-session LRS key and a single-use fetch URL: the
// first POST answers {"auth-token"}, every later one {"error-code": "1"} with HTTP 200
// (cmi5 8.2.3). Tin Can launches get query-string credentials instead. Whoever serves
// HTTP (the preview server, the e2e test LMS) routes POSTs on fetch paths to `answerFetch`.
import { randomUUID } from 'node:crypto';
import { createKey } from '../lrs/keys.ts';
import type { Lrs } from '../lrs/server.ts';

export const PREVIEW_ACTOR = { objectType: 'Agent', name: 'Preview Learner', account: { homePage: 'http://127.0.0.1/', name: 'preview' } };

export interface LaunchLmsOptions {
  /** Origin (and optional path) that serves fetch URLs and the return page, no trailing slash. */
  base: string;
  /** Absolute URL the package files are served under, ending in '/'. */
  contentBase: string;
  /** Path under `base` for fetch URLs, default '/fetch/'. */
  fetchPath?: string;
  /** Path under `base` for the cmi5 returnURL, default '/return'. */
  returnPath?: string;
}

export interface Cmi5LaunchOptions {
  /** The AU's url from cmi5.xml (relative to the package root, may carry a query). */
  auUrl: string;
  /** The AU's publisher id from cmi5.xml. */
  publisherId: string;
  launchMode?: 'Normal' | 'Browse' | 'Review';
  moveOn?: string;
  masteryScore?: number;
  /** Reuse an earlier registration (a relaunch of the same enrolment). */
  registration?: string;
  actor?: object;
  /** Prefix of LMS-generated activityIds; default `${base}/lms/activities/`. */
  activityIdBase?: string;
  /** Restrict the session key to activities under this IRI prefix (LRS --activity-prefix). */
  activityPrefix?: string;
}

export interface FetchAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface Cmi5Session {
  url: string;
  registration: string;
  activityId: string;
  sessionId: string;
  fetchUrl: string;
  returnUrl: string;
  /** Every POST of the fetch URL, and what it answered. */
  fetches: FetchAnswer[];
}

export interface TincanLaunchOptions {
  /** Launch path inside the package (tincan.xml's launch). */
  path: string;
  actor: object | string;
  registration?: string;
  activityId: string;
  /** The key a package would carry: statements only, no State, no reads. */
  writeOnly?: boolean;
  activityPrefix?: string;
}

export interface TincanSession {
  url: string;
  registration?: string;
  activityId: string;
}

export interface LaunchLms {
  launchCmi5(o: Cmi5LaunchOptions): Promise<Cmi5Session>;
  launchTincan(o: TincanLaunchOptions): Promise<TincanSession>;
  /** The answer to a POST of `path` (a fetch URL's path), or undefined when it is not under the fetch path. */
  answerFetch(path: string): FetchAnswer | undefined;
}

export function createLaunchLms(lrs: Pick<Lrs, 'endpoint' | 'storage' | 'adminKey'>, opts: LaunchLmsOptions): LaunchLms {
  if (!lrs.adminKey) throw new Error('the launcher needs the LRS admin key to write LMS.LaunchData');
  const admin = `Basic ${Buffer.from(`${lrs.adminKey.key}:${lrs.adminKey.secret}`).toString('base64')}`;
  const fetchPath = opts.fetchPath ?? '/fetch/';
  const fetchUrls = new Map<string, { token: string; session: Cmi5Session }>();
  const activityIds = new Map<string, string>();

  const sessionKey = async (name: string, o: { writeOnly?: boolean; activityPrefix?: string }): Promise<string> => {
    const k = await createKey(lrs.storage, {
      name,
      scopes: o.writeOnly ? ['statements:write'] : ['statements:write', 'state'],
      writeOnly: !!o.writeOnly,
      activityPrefix: o.activityPrefix ?? null,
    });
    return Buffer.from(`${k.key}:${k.secret}`).toString('base64');
  };

  return {
    async launchCmi5(o) {
      const registration = o.registration ?? randomUUID();
      const auKey = `${registration}\n${o.publisherId}`;
      let activityId = activityIds.get(auKey);
      if (!activityId) {
        activityId = `${o.activityIdBase ?? `${opts.base}/lms/activities/`}${randomUUID()}`;
        activityIds.set(auKey, activityId);
      }
      const sessionId = randomUUID();
      const actor = o.actor ?? PREVIEW_ACTOR;
      const returnUrl = `${opts.base}${opts.returnPath ?? '/return'}?session=${sessionId}`;
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
      // LaunchData first: the AU reads it right after fetching its token.
      const stateUrl =
        `${lrs.endpoint}activities/state?stateId=LMS.LaunchData&activityId=${encodeURIComponent(activityId)}` +
        `&agent=${encodeURIComponent(JSON.stringify(actor))}&registration=${registration}`;
      const put = await fetch(stateUrl, {
        method: 'PUT',
        headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
        body: JSON.stringify(launchData),
      });
      if (!put.ok) throw new Error(`LMS.LaunchData PUT failed: ${put.status} ${await put.text()}`);
      const path = `${fetchPath}${randomUUID()}`;
      const session: Cmi5Session = { url: '', registration, activityId, sessionId, fetchUrl: opts.base + path, returnUrl, fetches: [] };
      fetchUrls.set(path, { token: await sessionKey(`cmi5 session ${sessionId}`, o), session });
      const q = new URLSearchParams({ endpoint: lrs.endpoint, fetch: session.fetchUrl, actor: JSON.stringify(actor), registration, activityId });
      session.url = `${opts.contentBase}${o.auUrl}${o.auUrl.includes('?') ? '&' : '?'}${q}`;
      return session;
    },

    async launchTincan(o) {
      const auth = `Basic ${await sessionKey('tincan launch', o)}`;
      const q = new URLSearchParams({
        endpoint: lrs.endpoint,
        auth,
        actor: typeof o.actor === 'string' ? o.actor : JSON.stringify(o.actor),
        activity_id: o.activityId,
      });
      if (o.registration) q.set('registration', o.registration);
      return { url: `${opts.contentBase}${o.path}${o.path.includes('?') ? '&' : '?'}${q}`, registration: o.registration, activityId: o.activityId };
    },

    answerFetch(path) {
      if (!path.startsWith(fetchPath)) return undefined;
      const f = fetchUrls.get(path);
      let body: Record<string, unknown>;
      if (!f) body = { 'error-code': '2', 'error-text': 'unknown launch session' };
      else if (f.session.fetches.length > 0) body = { 'error-code': '1', 'error-text': 'Already in use' };
      else body = { 'auth-token': f.token };
      const answer = { status: 200, body };
      f?.session.fetches.push(answer);
      return answer;
    },
  };
}
