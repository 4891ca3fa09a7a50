// End to end in real headless Chromium: the example course built as scorm12 with the
// xAPI side channel (course.yaml lrs) pointing at the embedded LRS with a write-only key
// scoped to the course IRI. A learner works through the module in the test LMS; the LRS
// must receive the profile statements with the actor taken from cmi.core.student_id and
// student_name, one registration per attempt, all valid under schemas/statement.schema.json
// and Learning Locker's validator. The CLI refuses keys that must not be embedded, and a
// build without an LRS carries no credential of any kind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildCourse } from '../../src/package/build.ts';
import type { ModuleData } from '../../src/runtime/module-data.ts';
import { createLrs, type Lrs } from '../../src/lrs/server.ts';
import { createKey } from '../../src/lrs/keys.ts';
import { filesFromZip, unloadSco } from '../helpers/lms-server.ts';
import { answer, nextToEnd, openViewOf, scoFrame } from '../helpers/learner.ts';
import { EXAMPLE_COURSE as EXAMPLE, sideChannelTo } from '../helpers/example-course.ts';
import { startScormE2e, type ScormE2e } from '../helpers/scorm-e2e.ts';
import { poll } from '../helpers/poll.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { problemsOf } from '../xapi/fixtures.ts';
import { TARGET_IDS } from '../../src/package/targets.ts';

const IRI = 'https://coursepack.example/courses/patient-involvement';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Everything credential-like in a package's files, as "file: finding": HTTP Basic
 * credentials, coursepack LRS key ids, URLs carrying auth=, and in the data a page embeds
 * (cp-data JSON and any other JSON or XML) keys named auth/secret/password/token/key or
 * Authorization. The runtime JS necessarily names such fields in code; its string
 * values are checked with the value patterns only.
 */
function credentialLike(files: Map<string, Buffer>): string[] {
  const out: string[] = [];
  const VALUE = [/Basic\s+[A-Za-z0-9+/]{8,}={0,2}/, /cpk_[0-9a-f]{8,}/, /[?&]auth=[^&"'\s]/i, /\b[A-Za-z0-9._-]+:[A-Za-z0-9_-]{20,}@/];
  const KEY = /^(auth|authorization|secret|password|passwd|token|apikey|api_key|key|credentials?)$/i;
  const walk = (file: string, v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(file, x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (KEY.test(k) && x !== null && x !== '' && x !== false) out.push(`${file}: data key ${path}.${k}`);
        walk(file, x, `${path}.${k}`);
      }
    }
  };
  for (const [name, bytes] of files) {
    const text = bytes.toString('utf8');
    for (const re of VALUE) {
      const m = re.exec(text);
      if (m) out.push(`${name}: ${m[0]}`);
    }
    if (name.endsWith('.html')) {
      for (const m of text.matchAll(/<script type="application\/json"[^>]*>([^<]*)<\/script>/g)) walk(name, JSON.parse(m[1]!), '$');
    } else if (name.endsWith('.json')) walk(name, JSON.parse(text), '$');
    else if (name.endsWith('.xml') && /\b(auth|secret|password|token)\s*=|<(auth|secret|password|token)\b/i.test(text)) out.push(`${name}: credential-like XML`);
  }
  return out;
}

let e2e: ScormE2e;
/** One browser profile: the same learner's browser across launches (localStorage kept). */
let ctx: BrowserContext;
let lrs: Lrs;
let tmp: string;
let data: ModuleData;
let href: string;
let key: { key: string; secret: string };
let packageFiles: Map<string, Buffer>;

async function statements(): Promise<Record<string, any>[]> {
  const admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
  const res = await fetch(`${lrs.endpoint}statements?ascending=true&limit=500&format=exact`, {
    headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' },
  });
  return ((await res.json()) as { statements: Record<string, any>[] }).statements;
}

const cmi = (entry: string) => ({ core: { entry, student_id: 'ada-42', student_name: 'Learner, Ada' } });

const launch = (entry: string): Promise<Page> => e2e.launch({ cmi: cmi(entry) }, ctx);

/** An attempt (entry ab-initio or resume) the learner leaves as soon as the SCO shows. */
async function attemptAndLeave(entry: string): Promise<void> {
  const page = await launch(entry);
  await scoFrame(page);
  await unloadSco(page);
  await page.close();
}

const until = <T>(f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => poll(f, ok, { timeoutMs: 15_000, everyMs: 150 });

beforeAll(async () => {
  lrs = await createLrs({ db: ':memory:', port: 0 });
  key = await createKey(lrs.storage, { name: 'package', scopes: ['statements:write'], activityPrefix: IRI, writeOnly: true });
  e2e = await startScormE2e({ prefix: 'cp-side-', targets: ['scorm12'], yaml: sideChannelTo(lrs.endpoint, key) });
  ({ href, data, files: packageFiles, dir: tmp } = e2e.built);
  ctx = await e2e.browser.newContext();
});

afterEach(() => {
  expect(e2e?.pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await e2e?.close();
  await lrs?.close();
});

describe('scorm12 xAPI side channel', () => {
  it('a completed attempt arrives in the LRS as the profile statements, under the LMS learner, valid and without duplicates', async () => {
    const page = await launch('ab-initio');
    const frame = await scoFrame(page);
    await nextToEnd(frame);
    for (const q of data.questions) {
      await openViewOf(frame, q.dom);
      await answer(frame, q, true);
    }
    await unloadSco(page);
    const all = await until(statements, (s) => s.some((x) => x.verb.id.endsWith('/terminated')));
    // The LMS still gets its SCORM record as it did without the side channel.
    const lmsViolations = await page.evaluate(() => (window as any).__lms.violations);
    const committed = await page.evaluate(() => (window as any).__lms.committed);
    await page.close();
    expect(lmsViolations).toEqual([]);
    expect(committed['cmi.core.lesson_status']).toBe('passed');

    const verbs = all.map((s) => s.verb.id.replace(/^.*\//, ''));
    expect(verbs[0]).toBe('initialized');
    expect(verbs.at(-1)).toBe('terminated');
    for (const v of ['experienced', 'answered', 'completed', 'passed']) expect(verbs).toContain(v);
    expect(verbs.filter((v) => v === 'answered').length).toBe(data.questions.length);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);

    const registration = all[0]!.context.registration;
    expect(registration).toMatch(UUID);
    for (const s of all) {
      expect(s.actor).toEqual({ objectType: 'Agent', name: 'Learner, Ada', account: { homePage: new URL(lrs.endpoint).origin, name: 'ada-42' } });
      expect(s.context.registration).toBe(registration);
      expect(s.context.platform).toMatch(/\(scorm12\)$/);
      expect(s.object.id.startsWith(IRI)).toBe(true);
      const { stored: _s, authority: _a, version: _v, ...sent } = s;
      const p = problemsOf(sent);
      expect(p, `${s.verb.id} ${s.object.id}`).toEqual({ profile: [], learningLocker: [], lrs: [] });
    }
  });

  it('a resumed attempt reports under the same registration; a new attempt (ab-initio) under a new one', async () => {
    const before = await statements();
    const first = before[0]!.context.registration;
    await attemptAndLeave('resume');
    const afterResume = await until(statements, (s) => s.length > before.length && s.at(-1)!.verb.id.endsWith('/terminated'));
    const resumedOnes = afterResume.slice(before.length);
    expect(resumedOnes.map((s) => s.verb.id.replace(/^.*\//, ''))[0]).toBe('initialized');
    expect(new Set(resumedOnes.map((s) => s.context.registration))).toEqual(new Set([first]));
    // completed/passed were sent in this registration already: not again.
    expect(resumedOnes.filter((s) => /\/(completed|passed)$/.test(s.verb.id) && s.object.id === `${IRI}/modules/${data.moduleId}`)).toEqual([]);

    await attemptAndLeave('ab-initio');
    const afterNew = await until(statements, (s) => s.length > afterResume.length && s.at(-1)!.verb.id.endsWith('/terminated'));
    const newOnes = afterNew.slice(afterResume.length);
    const regs = new Set(newOnes.map((s) => s.context.registration));
    expect(regs.size).toBe(1);
    expect([...regs][0]).toMatch(UUID);
    expect([...regs][0]).not.toBe(first);
  });

  it('an LMS API that appears only after launch: the side channel starts once it names the learner', async () => {
    const before = (await statements()).length;
    const page = await e2e.launch({ cmi: { core: { entry: 'ab-initio', student_id: 'bo-7', student_name: 'Late, Bo' } }, apiDelayMs: 1500 }, ctx);
    const frame = await scoFrame(page);
    await page.waitForFunction(() => (window as any).__lms.initialised > 0, undefined, { timeout: 10000 });
    await frame.click('#cp-next');
    await unloadSco(page);
    await page.close();
    const all = await until(statements, (s) => s.slice(before).some((x) => x.actor.account?.name === 'bo-7' && x.verb.id.endsWith('/terminated')));
    const bo = all.slice(before).filter((s) => s.actor.account?.name === 'bo-7');
    const verbs = bo.map((s) => s.verb.id.replace(/^.*\//, ''));
    expect(verbs[0]).toBe('initialized');
    expect(verbs).toContain('experienced');
    expect(verbs.at(-1)).toBe('terminated');
    expect(new Set(bo.map((s) => s.context.registration)).size).toBe(1);
    expect(bo[0]!.actor).toEqual({ objectType: 'Agent', name: 'Late, Bo', account: { homePage: new URL(lrs.endpoint).origin, name: 'bo-7' } });
  });

  it('the package carries the key it was built with (and the scanner finds it)', () => {
    const found = credentialLike(packageFiles);
    const basic = Buffer.from(`${key.key}:${key.secret}`).toString('base64');
    expect(found).toEqual(expect.arrayContaining([`${href}: Basic ${basic}`, `${href}: data key $.sideChannel.auth`]));
  });
});

describe('a build without an LRS (the example course as it is)', () => {
  it('carries no credential of any kind in any file of any target', async () => {
    const report = await buildCourse({ courseDir: EXAMPLE, outDir: join(tmp, 'plain'), targets: [...TARGET_IDS] });
    expect(report.artifacts.map((a) => a.target).sort()).toEqual([...TARGET_IDS].sort());
    for (const a of report.artifacts) {
      const files = filesFromZip(readFileSync(a.path));
      expect(files.size).toBeGreaterThan(3);
      expect(credentialLike(files), a.target).toEqual([]);
    }
  });
});

describe('coursepack build with --lrs-endpoint/--lrs-key', () => {
  it('refuses a key that can read statements, with its code, and writes nothing', async () => {
    const reader = await createKey(lrs.storage, { name: 'reader', scopes: ['statements:read', 'statements:write'], activityPrefix: IRI });
    const outDir = join(tmp, 'refused');
    const r = await runCliAsync(['build', EXAMPLE, '--target', 'scorm12', '--out', outDir, '--lrs-endpoint', lrs.endpoint, '--lrs-key', `${reader.key}:${reader.secret}`]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/LRS_KEY_CAN_READ/);
    expect(r.stdout + r.stderr).toMatch(/--write-only/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('refuses an unscoped key; with --allow-embedded-credentials it builds and warns what anyone can do with it', async () => {
    const wide = await createKey(lrs.storage, { name: 'wide', scopes: ['statements:write'], writeOnly: true });
    const args = ['build', EXAMPLE, '--target', 'scorm12', '--out', join(tmp, 'wide'), '--lrs-endpoint', lrs.endpoint, '--lrs-key', `${wide.key}:${wide.secret}`];
    const refused = await runCliAsync(args);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/LRS_KEY_NOT_SCOPED/);
    const allowed = await runCliAsync([...args, '--allow-embedded-credentials']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout + allowed.stderr).toMatch(/EMBEDDED_CREDENTIALS.*anyone who unzips the package can: send statements in any learner's name about any activity/);
  });
});
