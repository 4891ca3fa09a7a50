// The build's check of the LRS key a scorm12 side channel would embed, against the real
// embedded LRS (its GET /xapi/coursepack/key extension) and against a stand-in for
// another LRS that only has the standard resources.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLrs, type Lrs } from '../../../src/lrs/server.ts';
import { createKey, type NewKey } from '../../../src/lrs/keys.ts';
import { loadCourse } from '../../../src/course/index.ts';
import type { Course } from '../../../src/course/types.ts';
import { basicAuth, checkEmbeddedCredentials } from '../../../src/package/credentials.ts';
import { buildCourse } from '../../../src/package/build.ts';
import { CoursepackError } from '../../../src/errors.ts';

const IRI = 'https://coursepack.example/courses/mini';
let lrs: Lrs;
let course: Course;
let other: Server;
let otherUrl = '';
let otherStatementsStatus = 200;

beforeAll(async () => {
  lrs = await createLrs({ db: ':memory:', port: 0 });
  course = (await loadCourse('test/fixtures/courses/valid-minimal')).course;
  // Another LRS: no coursepack extension, statements readable or not as the test says.
  other = createServer((req, res) => {
    if (req.url?.startsWith('/xapi/statements')) {
      res.writeHead(otherStatementsStatus, { 'Content-Type': 'application/json' });
      res.end(otherStatementsStatus === 200 ? '{"statements":[],"more":""}' : '{}');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const a = other.address();
  otherUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/xapi/`;
});

afterAll(async () => {
  await lrs?.close();
  await new Promise((r) => other?.close(r));
});

async function withKey(k: NewKey, allow = false): Promise<Course> {
  const made = await createKey(lrs.storage, k);
  return { ...course, lrs: { endpoint: lrs.endpoint, key: made.key, secret: made.secret, allowEmbeddedCredentials: allow } };
}

const codes = (ps: { code: string; severity: string }[]) => ps.map((p) => `${p.severity}:${p.code}`);

describe('checkEmbeddedCredentials against the embedded LRS', () => {
  it('GET /xapi/coursepack/key tells a key its own scopes, prefix and write-only flag', async () => {
    const made = await createKey(lrs.storage, { name: 'pkg', scopes: ['statements:write'], activityPrefix: IRI, writeOnly: true });
    const res = await fetch(`${lrs.endpoint}coursepack/key`, {
      headers: { Authorization: basicAuth(made.key, made.secret), 'X-Experience-API-Version': '1.0.3' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ key: made.key, name: 'pkg', scopes: ['statements:write'], activityPrefix: IRI, writeOnly: true });
    const anon = await fetch(`${lrs.endpoint}coursepack/key`, { headers: { 'X-Experience-API-Version': '1.0.3' } });
    expect(anon.status).toBe(401);
  });

  it('accepts a write-only key limited to the course IRI', async () => {
    const c = await withKey({ name: 'ok', scopes: ['statements:write'], activityPrefix: IRI, writeOnly: true });
    expect(await checkEmbeddedCredentials(c)).toEqual([]);
  });

  it('refuses a key that can read statements', async () => {
    const c = await withKey({ name: 'reader', scopes: ['statements:read', 'statements:write'], activityPrefix: IRI });
    const ps = await checkEmbeddedCredentials(c);
    expect(codes(ps)).toEqual(['error:LRS_KEY_CAN_READ']);
    expect(ps[0]!.hint).toContain(`--activity-prefix ${IRI} --write-only`);
  });

  it('refuses an unscoped key, and one scoped to another prefix', async () => {
    const a = await checkEmbeddedCredentials(await withKey({ name: 'any', scopes: ['statements:write'], writeOnly: true }));
    expect(codes(a)).toEqual(['error:LRS_KEY_NOT_SCOPED']);
    const b = await checkEmbeddedCredentials(
      await withKey({ name: 'wide', scopes: ['statements:write'], writeOnly: true, activityPrefix: 'https://coursepack.example/' }),
    );
    expect(codes(b)).toEqual(['error:LRS_KEY_NOT_SCOPED']);
    expect(b[0]!.message).toContain('https://coursepack.example/');
  });

  it('with allowEmbeddedCredentials, an all-scope key builds with a warning saying what it exposes', async () => {
    const ps = await checkEmbeddedCredentials(await withKey({ name: 'admin-ish', scopes: ['all'] }, true));
    expect(codes(ps)).toEqual(['warning:EMBEDDED_CREDENTIALS']);
    expect(ps[0]!.message).toMatch(/anyone who unzips the package can: read every statement/);
    expect(ps[0]!.message).toMatch(/about any activity, including other courses'/);
    expect(ps[0]!.message).toMatch(/void \(hide\) statements/);
  });

  it('always refuses a wrong secret and a key that cannot write statements', async () => {
    const good = await withKey({ name: 'x', scopes: ['statements:write'], activityPrefix: IRI, writeOnly: true }, true);
    const wrong = await checkEmbeddedCredentials({ ...good, lrs: { ...good.lrs!, secret: 'not-the-secret' } });
    expect(codes(wrong)).toEqual(['error:LRS_KEY_REFUSED']);
    const stateOnly = await checkEmbeddedCredentials(await withKey({ name: 's', scopes: ['state'], activityPrefix: IRI }, true));
    expect(codes(stateOnly)).toEqual(['error:LRS_KEY_CANNOT_WRITE']);
  });

  it('an LRS that cannot be reached stops the build unless the author allows embedding', async () => {
    const c: Course = { ...course, lrs: { endpoint: 'http://127.0.0.1:9/xapi/', key: 'k', secret: 's', allowEmbeddedCredentials: false } };
    expect(codes(await checkEmbeddedCredentials(c, { timeoutMs: 2000 }))).toEqual(['error:LRS_UNREACHABLE']);
    const allowed = await checkEmbeddedCredentials({ ...c, lrs: { ...c.lrs!, allowEmbeddedCredentials: true } }, { timeoutMs: 2000 });
    expect(codes(allowed)).toEqual(['warning:LRS_UNREACHABLE', 'warning:EMBEDDED_CREDENTIALS']);
  });
});

describe('checkEmbeddedCredentials against another LRS (no extension)', () => {
  const at = (allow = false): Course => ({ ...course, lrs: { endpoint: otherUrl, key: 'k', secret: 's', allowEmbeddedCredentials: allow } });

  it('refuses a key that can GET statements', async () => {
    otherStatementsStatus = 200;
    expect(codes(await checkEmbeddedCredentials(at()))).toEqual(['error:LRS_KEY_CAN_READ', 'warning:LRS_KEY_SCOPE_UNKNOWN']);
  });

  it('accepts a key that cannot read, with a warning that its prefix is unknown', async () => {
    otherStatementsStatus = 403;
    expect(codes(await checkEmbeddedCredentials(at()))).toEqual(['warning:LRS_KEY_SCOPE_UNKNOWN']);
    expect(codes(await checkEmbeddedCredentials(at(true)))).toEqual(['warning:LRS_KEY_SCOPE_UNKNOWN', 'warning:EMBEDDED_CREDENTIALS']);
  });
});

describe('buildCourse with a side-channel key', () => {
  it('fails the build (nothing written) for a key that can read statements', async () => {
    const made = await createKey(lrs.storage, { name: 'reader', scopes: ['all'] });
    const err = await buildCourse({
      courseDir: 'test/fixtures/courses/valid-minimal',
      targets: ['scorm12'],
      lrs: { endpoint: lrs.endpoint, key: made.key, secret: made.secret, allowEmbeddedCredentials: false },
    }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CoursepackError);
    expect((err as CoursepackError).problems.map((p) => p.code)).toEqual(expect.arrayContaining(['LRS_KEY_CAN_READ', 'LRS_KEY_NOT_SCOPED']));
  });
});
