// The cmi5 AU launch (cmi5 §8, §10, §11): read endpoint, fetch, actor, registration and
// activityId from the query string (any order), POST the fetch URL once for the
// auth-token, read the LMS.LaunchData state document (launchMode, masteryScore, moveOn,
// returnURL, contextTemplate) and the learner preferences. The fetch URL is single-use:
// the token is kept in sessionStorage for reloads of the same launch, and an error
// answer is reported, never retried.
import type { Actor } from '@xapi/xapi';
import type { ContextActivities } from '../xapi/profile.ts';
import { parseActor, withSlash, type XapiLaunch } from './launch-xapi.ts';

export type LaunchMode = 'Normal' | 'Browse' | 'Review';

export interface Cmi5Launch extends XapiLaunch {
  launchMode: LaunchMode;
  moveOn: string;
  /** 0..1 when the LMS gives one. */
  masteryScore?: number;
  returnURL?: string;
  contextTemplate: { contextActivities?: ContextActivities; extensions?: Record<string, unknown> };
  sessionId?: string;
}

/** A launch that cannot go on: the message is for the learner. */
export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

export const SESSION_ID_EXT = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
const XAPI_VERSION = '1.0.3';

interface Deps {
  fetch: typeof fetch;
  /** sessionStorage: the token for this launch survives a reload. */
  session?: Pick<Storage, 'getItem' | 'setItem'>;
}

export function isCmi5Launch(search: string): boolean {
  const q = new URLSearchParams(search);
  return q.has('endpoint') && q.has('fetch');
}

export async function launchCmi5(search: string, deps: Deps): Promise<Cmi5Launch> {
  const q = new URLSearchParams(search);
  const endpoint = q.get('endpoint');
  const fetchUrl = q.get('fetch');
  const actor = parseActor(q.get('actor'));
  const registration = q.get('registration');
  const activityId = q.get('activityId');
  const missing = [!endpoint && 'endpoint', !fetchUrl && 'fetch', !actor && 'actor', !registration && 'registration', !activityId && 'activityId'].filter(Boolean);
  if (missing.length) throw new LaunchError(`This module was not launched correctly by the learning system (missing ${missing.join(', ')}). Your progress will not be recorded.`);
  const base = withSlash(endpoint!);
  const auth = `Basic ${await authToken(fetchUrl!, deps)}`;
  const headers = { Authorization: auth, 'X-Experience-API-Version': XAPI_VERSION };
  const agent = encodeURIComponent(JSON.stringify(actor));
  const stateUrl =
    `${base}activities/state?stateId=LMS.LaunchData&activityId=${encodeURIComponent(activityId!)}` +
    `&agent=${agent}&registration=${encodeURIComponent(registration!)}`;
  let res: Response;
  try {
    res = await deps.fetch(stateUrl, { headers });
  } catch {
    throw new LaunchError('The learning record store cannot be reached, so your progress will not be recorded. Close the module and launch it again.');
  }
  if (!res.ok) throw new LaunchError(`The learning system did not provide the launch data (HTTP ${res.status}). Close the module and launch it again.`);
  let data: Record<string, unknown>;
  try {
    data = await res.json();
  } catch {
    throw new LaunchError('The learning system sent unreadable launch data. Close the module and launch it again.');
  }
  // cmi5 11.0.0.0-3: the AU retrieves the learner preferences on start-up; coursepack has no audio and one language, so nothing depends on them.
  await deps
    .fetch(`${base}agents/profile?profileId=cmi5LearnerPreferences&agent=${agent}`, { headers })
    .then((r) => r.text())
    .catch(() => '');
  const template = (data.contextTemplate ?? {}) as Cmi5Launch['contextTemplate'];
  const mode = data.launchMode === 'Browse' || data.launchMode === 'Review' ? data.launchMode : 'Normal';
  const mastery = typeof data.masteryScore === 'number' && data.masteryScore >= 0 && data.masteryScore <= 1 ? data.masteryScore : undefined;
  const out: Cmi5Launch = {
    endpoint: base,
    auth,
    actor: actor as Actor,
    registration: registration!,
    activityId: activityId!,
    launchMode: mode,
    moveOn: typeof data.moveOn === 'string' ? data.moveOn : 'NotApplicable',
    contextTemplate: template,
  };
  if (mastery !== undefined) out.masteryScore = mastery;
  if (typeof data.returnURL === 'string' && data.returnURL) out.returnURL = data.returnURL;
  const sid = template.extensions?.[SESSION_ID_EXT];
  if (typeof sid === 'string') out.sessionId = sid;
  return out;
}

/** POSTs the fetch URL once per launch (cmi5 8.2): the token, or a LaunchError saying what the LMS answered. */
async function authToken(fetchUrl: string, deps: Deps): Promise<string> {
  const key = `coursepack.cmi5.token\n${fetchUrl}`;
  try {
    const kept = deps.session?.getItem(key);
    if (kept) return kept;
  } catch {
    // no sessionStorage: fetch as usual
  }
  let body: Record<string, unknown>;
  try {
    const res = await deps.fetch(fetchUrl, { method: 'POST' });
    body = await res.json();
  } catch {
    throw new LaunchError('The learning system could not be asked for access to the learning record store, so your progress will not be recorded. Close the module and launch it again from the learning system.');
  }
  const token = body['auth-token'];
  if (typeof token === 'string' && token) {
    try {
      deps.session?.setItem(key, token);
    } catch {
      // a reload will not be able to fetch again; this page still works
    }
    return token;
  }
  const code = String(body['error-code'] ?? '');
  const text = typeof body['error-text'] === 'string' ? ` (${body['error-text']})` : '';
  const why =
    code === '1'
      ? 'this launch link has already been used'
      : code === '2'
        ? 'this launch link is no longer valid'
        : code === '3'
          ? 'the learning system refused the request'
          : 'the learning system did not give access';
  throw new LaunchError(`Your progress cannot be recorded: ${why}${text}. Close the module and launch it again from the learning system.`);
}
