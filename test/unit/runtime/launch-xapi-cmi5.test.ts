// Launch parameters of the xapi (Tin Can) and cmi5 targets: the query-string parsing,
// the legacy actor forms, and the cmi5 fetch/LaunchData sequence against a real test
// LMS and the embedded LRS (Node's fetch plays the browser).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchTincan, parseActor } from '../../../src/runtime/launch-xapi.ts';
import { launchCmi5, LaunchError, isCmi5Launch } from '../../../src/runtime/launch-cmi5.ts';
import { createLrs, type Lrs } from '../../../src/lrs/server.ts';
import { startCmi5Lms, ACTOR, type TestCmi5Lms } from '../../helpers/cmi5-launcher.ts';

function memory(): Storage {
  const m = new Map<string, string>();
  return { length: 0, clear: () => m.clear(), key: () => null, getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

describe('Tin Can launch parameters', () => {
  it('accepts an xAPI 1.0 Agent and the legacy array-style actor, with mbox or account', () => {
    expect(parseActor('{"objectType":"Agent","name":"A","mbox":"mailto:a@x.org"}')).toEqual({ objectType: 'Agent', name: 'A', mbox: 'mailto:a@x.org' });
    expect(parseActor('{"name":["A"],"mbox":["a@x.org"]}')).toEqual({ objectType: 'Agent', name: 'A', mbox: 'mailto:a@x.org' });
    expect(parseActor('{"name":["A"],"account":[{"accountServiceHomePage":"https://lms.x","accountName":"a1"}]}')).toEqual({
      objectType: 'Agent',
      name: 'A',
      account: { homePage: 'https://lms.x', name: 'a1' },
    });
    expect(parseActor('{"name":"A"}')).toBeNull();
    expect(parseActor('not json')).toBeNull();
  });

  it('reads the parameters in any order; without a registration one is made and kept for the next launch', () => {
    const storage = memory();
    const search = `?activity_id=https%3A%2F%2Fc.example%2Fx&actor=${encodeURIComponent('{"mbox":"mailto:a@x.org"}')}&auth=Basic%20abc&endpoint=http%3A%2F%2Flrs%2Fxapi`;
    const a = launchTincan(search, storage)!;
    expect(a).toMatchObject({ endpoint: 'http://lrs/xapi/', auth: 'Basic abc', activityId: 'https://c.example/x' });
    expect(a.registration).toMatch(/^[0-9a-f-]{36}$/);
    expect(launchTincan(search, storage)!.registration).toBe(a.registration);
    expect(launchTincan(`${search}&registration=6f1c2d3e-4b5a-4c6d-8e7f-901234567890`, storage)!.registration).toBe('6f1c2d3e-4b5a-4c6d-8e7f-901234567890');
  });

  it('is null (no LRS) without endpoint or actor', () => {
    expect(launchTincan('')).toBeNull();
    expect(launchTincan('?endpoint=http%3A%2F%2Flrs%2F')).toBeNull();
    expect(isCmi5Launch('?endpoint=x')).toBe(false);
  });
});

describe('cmi5 launch against a test LMS', () => {
  let dir: string;
  let lrs: Lrs;
  let lms: TestCmi5Lms;
  const log: { method: string; path: string; status: number }[] = [];
  const publisherId = 'https://coursepack.example/courses/c/modules/m';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-launch-'));
    lrs = await createLrs({ db: join(dir, 'lrs.sqlite'), port: 0, logger: (l) => log.push(l as (typeof log)[number]) });
    lms = await startCmi5Lms(lrs, new Map());
  });
  afterAll(async () => {
    await lms?.close();
    await lrs?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('POSTs the fetch URL once, then reads LMS.LaunchData (launchMode, masteryScore, moveOn, returnURL, contextTemplate) and the learner preferences, parameters in any order, LaunchData never written [8.1.0.0-7 8.1.2.0-4 8.2.1.0-5 10.2.1.0-4 10.2.1.0-5 11.0.0.0-3]', async () => {
    const s = await lms.launchCmi5({ auUrl: 'm/index.html', publisherId, masteryScore: 0.75, launchMode: 'Review', moveOn: 'Passed' });
    const session = memory();
    const reversed = '?' + [...new URLSearchParams(new URL(s.url).search)].reverse().map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    log.length = 0;
    const l = await launchCmi5(reversed, { fetch, session });
    expect(log.filter((x) => x.method === 'GET').map((x) => x.path)).toEqual(['/xapi/activities/state', '/xapi/agents/profile']);
    expect(log.filter((x) => x.method !== 'GET')).toEqual([]);
    expect(l).toMatchObject({
      registration: s.registration,
      activityId: s.activityId,
      actor: ACTOR,
      launchMode: 'Review',
      masteryScore: 0.75,
      moveOn: 'Passed',
      returnURL: s.returnUrl,
      sessionId: s.sessionId,
    });
    expect(l.auth).toMatch(/^Basic /);
    expect(l.contextTemplate.contextActivities?.grouping?.[0]?.id).toBe(publisherId);
    // A reload of the same launch reuses the token instead of POSTing the fetch URL again.
    await launchCmi5(new URL(s.url).search, { fetch, session });
    expect(s.fetches).toHaveLength(1);
  });

  it('reports a used fetch URL (error-code 1) to the learner and never POSTs it again [8.2.3.0-1]', async () => {
    const s = await lms.launchCmi5({ auUrl: 'm/index.html', publisherId });
    await launchCmi5(new URL(s.url).search, { fetch });
    const err = await launchCmi5(new URL(s.url).search, { fetch }).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect(err.message).toContain('this launch link has already been used (Already in use)');
    expect(s.fetches).toHaveLength(2);
  });

  it('says which launch parameters are missing', async () => {
    const err = await launchCmi5('?endpoint=http%3A%2F%2Flrs%2F&fetch=x', { fetch }).catch((e) => e);
    expect(err.message).toContain('missing actor, registration, activityId');
  });
});
