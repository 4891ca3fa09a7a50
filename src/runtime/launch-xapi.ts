// Tin Can launch as LMSs built on Rustici's engine do it (Blackboard among them): the
// launch page gets endpoint, auth, actor, registration and activity_id in the query
// string. Older players send the pre-1.0 "array-style" actor
// ({"name":["Jane"],"mbox":["mailto:jane@example.org"]}); it is turned into an xAPI Agent.
import type { Actor } from '@xapi/xapi';
import { uuid } from '../xapi/profile.ts';

export interface XapiLaunch {
  /** Base endpoint, always ending in '/'. */
  endpoint: string;
  /** Authorization header value ('' when the launch gave none). */
  auth: string;
  actor: Actor;
  registration: string;
  /** The launched activity's id as the LMS gave it ('' when it gave none). */
  activityId: string;
}

export function withSlash(endpoint: string): string {
  return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
}

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/** An xAPI Agent from a launch's actor parameter, accepting the legacy array style; null when unusable. */
export function parseActor(raw: string | null): Actor | null {
  if (!raw) return null;
  let a: Record<string, unknown>;
  try {
    a = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!a || typeof a !== 'object') return null;
  const name = first(a.name);
  const out: Record<string, unknown> = { objectType: 'Agent' };
  if (typeof name === 'string' && name) out.name = name;
  const mbox = first(a.mbox);
  const sha = first(a.mbox_sha1sum);
  const openid = first(a.openid);
  const account = first(a.account) as Record<string, unknown> | undefined;
  if (typeof mbox === 'string' && mbox) out.mbox = mbox.startsWith('mailto:') ? mbox : `mailto:${mbox}`;
  else if (typeof sha === 'string' && sha) out.mbox_sha1sum = sha;
  else if (typeof openid === 'string' && openid) out.openid = openid;
  else if (account && typeof account === 'object') {
    // 1.0: {homePage, name}; legacy: {accountServiceHomePage, accountName}.
    const homePage = account.homePage ?? account.accountServiceHomePage;
    const accName = account.name ?? account.accountName;
    if (typeof homePage !== 'string' || typeof accName !== 'string') return null;
    out.account = { homePage, name: accName };
  } else return null;
  return out as unknown as Actor;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The Tin Can launch parameters, or null when the page was opened without an LRS
 * (endpoint or actor missing). Without a registration one is made up and kept in
 * `storage` per learner and activity, so a relaunch resumes the same attempt.
 */
export function launchTincan(search: string, storage?: Pick<Storage, 'getItem' | 'setItem'>): XapiLaunch | null {
  const q = new URLSearchParams(search);
  const endpoint = q.get('endpoint');
  const actor = parseActor(q.get('actor'));
  if (!endpoint || !actor) return null;
  const activityId = q.get('activity_id') ?? '';
  let registration = q.get('registration') ?? '';
  if (!UUID.test(registration)) {
    const key = `coursepack.xapi.registration\n${endpoint}\n${JSON.stringify(actor)}\n${activityId}`;
    try {
      registration = storage?.getItem(key) ?? '';
    } catch {
      registration = '';
    }
    if (!UUID.test(registration)) {
      registration = uuid();
      try {
        storage?.setItem(key, registration);
      } catch {
        // privacy mode: a new attempt each launch
      }
    }
  }
  return { endpoint: withSlash(endpoint), auth: q.get('auth') ?? '', actor, registration, activityId };
}
