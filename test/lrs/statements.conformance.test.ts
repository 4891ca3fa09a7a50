// xAPI 1.0.3 conformance for the Statement Resource, written from the spec (Data and
// Communication parts): headers, storing, validation, 409 rules, every GET filter,
// formats, `more` paging, consistent-through, voiding and StatementRef filters. Runs
// against SQLite and a real PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import llValidation from '@learninglocker/xapi-validation';
import { BACKENDS, statement, startTestLrs, stopPostgres, type Client, type TestLrs } from './helpers.ts';

const llValidate: (s: unknown) => unknown[] = (llValidation as any).default ?? llValidation;

afterAll(stopPostgres);

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const agent = (n: string) => ({ objectType: 'Agent', mbox: `mailto:${n}@example.org` });

describe.each(BACKENDS)('statements on %s', (backend) => {
  let t: TestLrs;
  let c: Client;
  beforeAll(async () => {
    t = await startTestLrs(backend);
    c = t.admin;
  });
  afterAll(async () => t?.close());

  const getOne = async (id: string) => (await c.get('statements', { statementId: id })).json;

  describe('headers and access', () => {
    it('requires X-Experience-API-Version and returns it on every response', async () => {
      const r = await c.get('statements', {}, { 'x-experience-api-version': '' });
      expect(r.status).toBe(400);
      expect(r.json.code).toBe('XAPI_VERSION_HEADER');
      expect(r.headers.get('x-experience-api-version')).toBe('1.0.3');
      for (const v of ['2.0.0', '1.1.0', '0.95', '1.01']) expect((await c.get('statements', {}, { 'x-experience-api-version': v })).status, v).toBe(400);
      for (const v of ['1.0', '1.0.0', '1.0.9']) expect((await c.get('statements', { limit: 1 }, { 'x-experience-api-version': v })).status, v).toBe(200);
      const ok = await c.get('statements', { limit: 1 }, { 'x-experience-api-version': '1.0.1' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-experience-api-version')).toBe('1.0.3');
    });

    it('serves About without credentials', async () => {
      const r = await fetch(`${c.endpoint}about`);
      expect(r.status).toBe(200);
      const body = await r.json();
      expect(body.version).toContain('1.0.3');
      expect(r.headers.get('x-experience-api-version')).toBe('1.0.3');
    });

    it('refuses missing and wrong credentials with 401', async () => {
      const none = await fetch(`${c.endpoint}statements`, { headers: { 'x-experience-api-version': '1.0.3' } });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
      const [key] = Buffer.from(c.auth.slice(6), 'base64').toString().split(':');
      const wrong = await fetch(`${c.endpoint}statements`, {
        headers: { 'x-experience-api-version': '1.0.3', authorization: `Basic ${Buffer.from(`${key}:nope`).toString('base64')}` },
      });
      expect(wrong.status).toBe(401);
    });

    it('answers CORS preflights and exposes the xAPI headers to other origins', async () => {
      const pre = await fetch(`${c.endpoint}statements`, {
        method: 'OPTIONS',
        headers: { origin: 'https://lms.example.edu', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-experience-api-version' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://lms.example.edu');
      expect(pre.headers.get('access-control-allow-methods')).toContain('PUT');
      expect(pre.headers.get('access-control-allow-headers')).toContain('x-experience-api-version');
      const r = await c.get('statements', { limit: 1 }, { origin: 'https://lms.example.edu' });
      expect(r.headers.get('access-control-allow-origin')).toBe('https://lms.example.edu');
      expect(r.headers.get('access-control-expose-headers')).toMatch(/ETag.*X-Experience-API-Consistent-Through/);
    });
  });

  describe('storing', () => {
    it('POST assigns id, stored, timestamp, authority and version', async () => {
      const st = statement();
      const r = await c.post('statements', st);
      expect(r.status).toBe(200);
      expect(r.json).toHaveLength(1);
      expect(r.json[0]).toMatch(/^[0-9a-f-]{36}$/);
      const got = await getOne(r.json[0]);
      expect(got.id).toBe(r.json[0]);
      expect(got.version).toBe('1.0.0');
      expect(Date.parse(got.stored)).toBeGreaterThan(Date.now() - 60_000);
      expect(got.timestamp).toBe(got.stored);
      expect(got.authority.objectType).toBe('Agent');
      expect(got.authority.account.homePage).toBe(c.endpoint);
      expect(got.object).toEqual(st.object);
    });

    it('overwrites a supplied authority with the key that sent the statement', async () => {
      const r = await c.post('statements', statement({ authority: agent('forger') }));
      const got = await getOne(r.json[0]);
      expect(got.authority.mbox).toBeUndefined();
      expect(got.authority.name).toBe('admin');
    });

    it('PUT stores under statementId and answers 204', async () => {
      const id = randomUUID();
      const r = await c.put('statements', statement({ timestamp: '2024-05-01T10:00:00.123+02:00' }), { statementId: id });
      expect(r.status).toBe(204);
      const got = await getOne(id);
      expect(got.id).toBe(id);
      expect(got.timestamp).toBe('2024-05-01T10:00:00.123+02:00');
    });

    it('PUT without statementId or with a different id in the body is a 400', async () => {
      expect((await c.put('statements', statement())).status).toBe(400);
      const r = await c.put('statements', statement({ id: randomUUID() }), { statementId: randomUUID() });
      expect(r.status).toBe(400);
    });

    it('a reused id with the same content is accepted once; different content is a 409 and the original stays', async () => {
      const st = statement({ id: randomUUID() });
      expect((await c.post('statements', st)).status).toBe(200);
      const again = await c.post('statements', { ...st, actor: { ...st.actor }, verb: { display: st.verb.display, id: st.verb.id } });
      expect(again.status).toBe(200);
      expect(again.json).toEqual([st.id]);
      expect((await c.put('statements', st, { statementId: st.id })).status).toBe(204);
      const changed = await c.put('statements', { ...st, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }, { statementId: st.id });
      expect(changed.status).toBe(409);
      expect(changed.json.code).toBe('XAPI_CONFLICT');
      expect((await getOne(st.id)).verb.id).toBe(st.verb.id);
      const byActivity = await c.get('statements', { activity: st.object.id });
      expect(byActivity.json.statements).toHaveLength(1);
    });

    it('compares statements as the spec says: ignoring timestamp, definitions, member order and UUID case', async () => {
      const reg = randomUUID();
      const base = statement({
        id: randomUUID(),
        actor: { objectType: 'Group', member: [agent('g1'), agent('g2')] },
        object: { id: `http://example.org/cmp/${randomUUID()}`, definition: { name: { en: 'First' } } },
        context: { registration: reg },
        timestamp: '2024-01-01T00:00:00Z',
      });
      expect((await c.post('statements', base)).status).toBe(200);
      const same = {
        ...base,
        actor: { objectType: 'Group', member: [agent('g2'), agent('g1')] },
        object: { id: base.object.id, definition: { name: { en: 'Renamed' } } },
        context: { registration: reg.toUpperCase() },
        timestamp: '2024-06-01T12:00:00Z',
      };
      expect((await c.put('statements', same, { statementId: base.id })).status).toBe(204);
      expect((await c.put('statements', { ...same, actor: { objectType: 'Group', member: [agent('g1'), agent('g3')] } }, { statementId: base.id })).status).toBe(409);
      expect((await getOne(base.id)).timestamp).toBe('2024-01-01T00:00:00Z');
    });

    it('a batch is all-or-nothing: one conflict or one invalid statement stores none of it', async () => {
      const existing = statement({ id: randomUUID() });
      await c.post('statements', existing);
      const fresh = statement({ id: randomUUID() });
      const conflict = await c.post('statements', [fresh, { ...existing, result: { success: true } }]);
      expect(conflict.status).toBe(409);
      expect((await c.get('statements', { statementId: fresh.id })).status).toBe(404);
      const invalid = await c.post('statements', [fresh, { ...statement(), verb: { id: 'not an iri' } }]);
      expect(invalid.status).toBe(400);
      expect(invalid.json.problems[0].path).toBe('[1].verb.id');
      expect((await c.get('statements', { statementId: fresh.id })).status).toBe(404);
    });

    it('a batch with the same id twice is a 400', async () => {
      const id = randomUUID();
      const r = await c.post('statements', [statement({ id }), statement({ id })]);
      expect(r.status).toBe(400);
      expect(r.json.code).toBe('XAPI_DUPLICATE_ID');
    });

    it('returns every contextActivities value as an array, also when sent as one object', async () => {
      const parent = { id: 'http://example.org/course', objectType: 'Activity' };
      const r = await c.post('statements', statement({ context: { contextActivities: { parent, category: [{ id: 'http://example.org/profile' }] } } }));
      const got = await getOne(r.json[0]);
      expect(got.context.contextActivities).toEqual({ parent: [parent], category: [{ id: 'http://example.org/profile' }] });
    });

    it('treats statement ids case-insensitively', async () => {
      const id = randomUUID();
      const st = statement({ id: id.toUpperCase() });
      expect((await c.post('statements', st)).status).toBe(200);
      expect((await c.get('statements', { statementId: id })).json.id).toBe(id.toUpperCase());
      expect((await c.put('statements', { ...st, id }, { statementId: id })).status).toBe(204);
      expect((await c.put('statements', { ...st, id, result: { success: false } }, { statementId: id })).status).toBe(409);
    });

    it('answers HEAD like GET without a body, and unknown resources with a 404 that still carries the version', async () => {
      const head = await c.request('HEAD', 'statements', { query: { limit: 1 } });
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      expect(head.headers.get('x-experience-api-consistent-through')).toBeTruthy();
      const missing = await c.get('nothing-here');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-experience-api-version')).toBe('1.0.3');
    });

    it('stores astral, combining and right-to-left text exactly', async () => {
      const name = 'Zoë 👩🏽‍🔬 שלום e\u0301 \u{1F600}';
      const st = statement({ actor: { name, mbox: 'mailto:unicode@example.org' }, result: { response: name } });
      const r = await c.post('statements', st);
      expect(r.status).toBe(200);
      const got = await getOne(r.json[0]);
      expect(got.actor.name).toBe(name);
      expect(got.result.response).toBe(name);
    });
  });

  describe('refusing bad requests', () => {
    it('malformed JSON, wrong content types and invalid UTF-8 are 400s', async () => {
      expect((await c.post('statements', '{"actor": ')).status).toBe(400);
      expect((await c.post('statements', JSON.stringify(statement()), undefined, { 'content-type': 'text/plain' })).status).toBe(400);
      const bad = Buffer.concat([Buffer.from('{"actor":{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
      expect((await c.post('statements', bad)).status).toBe(400);
      expect((await c.post('statements', 'null')).status).toBe(400);
      expect((await c.post('statements', '42')).status).toBe(400);
    });

    it('lone surrogates and NUL characters are refused, not silently changed', async () => {
      const lone = JSON.stringify(statement()).replace('"Ada"', '"Ada \\ud800"');
      const r = await c.post('statements', lone);
      expect(r.status).toBe(400);
      expect(r.json.code).toBe('XAPI_UNICODE');
      expect(r.json.problems[0].path).toBe('statement.actor.name');
      const nul = JSON.stringify(statement()).replace('"Ada"', '"A\\u0000da"');
      expect((await c.post('statements', nul)).status).toBe(400);
    });
  });

  describe('attachments', () => {
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const attachmentOf = (content: Buffer, over: Record<string, unknown> = {}) => ({
      usageType: 'http://id.tincanapi.com/attachment/certificate',
      display: { 'en-GB': 'certificate' },
      contentType: 'application/pdf',
      length: content.length,
      sha2: sha256(content),
      ...over,
    });
    const multipart = (json: unknown, parts: Array<{ content: Buffer; hash?: string; type?: string }>, boundary = 'xyzzy-boundary') =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(json)}\r\n`),
        ...parts.flatMap((p) => [
          Buffer.from(`--${boundary}\r\nContent-Type: ${p.type ?? 'application/pdf'}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${p.hash ?? sha256(p.content)}\r\n\r\n`),
          p.content,
          Buffer.from('\r\n'),
        ]),
        Buffer.from(`--${boundary}--\r\n`),
      ]);
    const postMultipart = (body: Buffer, boundary = 'xyzzy-boundary') =>
      c.post('statements', body, undefined, { 'content-type': `multipart/mixed; boundary=${boundary}` });
    /** Splits a multipart/mixed response into its parts (headers lower-cased, body as bytes). */
    const readMultipart = async (q: Record<string, unknown>) => {
      const u = new URL('statements', c.endpoint);
      for (const [k, v] of Object.entries(q)) u.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      const res = await fetch(u, { headers: { authorization: c.auth, 'x-experience-api-version': '1.0.3' } });
      const type = res.headers.get('content-type')!;
      expect(type).toMatch(/^multipart\/mixed; boundary=/);
      const boundary = type.split('boundary=')[1]!;
      const raw = Buffer.from(await res.arrayBuffer());
      const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
      let pos = raw.indexOf(`--${boundary}`) + boundary.length + 2;
      while (raw.subarray(pos, pos + 2).toString() !== '--') {
        const headEnd = raw.indexOf('\r\n\r\n', pos);
        const headers = Object.fromEntries(raw.subarray(pos + 2, headEnd).toString().split('\r\n').map((l) => [l.split(':')[0]!.toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        const next = raw.indexOf(`\r\n--${boundary}`, headEnd);
        parts.push({ headers, body: raw.subarray(headEnd + 4, next) });
        pos = next + 2 + boundary.length + 2;
      }
      return parts;
    };

    it('stores attachment content sent as multipart/mixed and returns it with attachments=true', async () => {
      // Bytes that look like CRLFs and boundaries must survive untouched.
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\r\n--xyzzy-boundar\r\n'), Buffer.from([0, 255, 13, 10, 45, 45])]);
      const st = statement({ id: randomUUID(), attachments: [attachmentOf(pdf)] });
      const r = await postMultipart(multipart(st, [{ content: pdf }]));
      expect(r.status, r.text).toBe(200);
      const parts = await readMultipart({ statementId: st.id, attachments: 'true' });
      expect(parts).toHaveLength(2);
      expect(parts[0]!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(parts[0]!.body.toString()).attachments).toEqual(st.attachments);
      expect(parts[1]!.headers['x-experience-api-hash']).toBe(sha256(pdf));
      expect(parts[1]!.headers['content-transfer-encoding']).toBe('binary');
      expect(parts[1]!.body.equals(pdf)).toBe(true);
      // Without attachments=true the answer is plain JSON.
      expect((await c.get('statements', { statementId: st.id })).headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('a multi-statement GET with attachments=true carries each attachment once', async () => {
      const activity = `http://example.org/attach/${randomUUID()}`;
      const a = Buffer.from('certificate A');
      const b = Buffer.from('certificate B');
      const list = [statement({ object: { id: activity }, attachments: [attachmentOf(a)] }), statement({ object: { id: activity }, attachments: [attachmentOf(a), attachmentOf(b)] })];
      expect((await postMultipart(multipart(list, [{ content: a }, { content: b }]))).status).toBe(200);
      const parts = await readMultipart({ activity, attachments: 'true' });
      expect(JSON.parse(parts[0]!.body.toString()).statements).toHaveLength(2);
      expect(parts.slice(1).map((p) => p.body.toString()).sort()).toEqual(['certificate A', 'certificate B']);
    });

    it('attachments by fileUrl need no content', async () => {
      const att = attachmentOf(Buffer.from('remote'), { fileUrl: 'https://files.example.org/c.pdf' });
      const r = await c.post('statements', statement({ attachments: [att] }));
      expect(r.status).toBe(200);
      const parts = await readMultipart({ statementId: r.json[0], attachments: 'true' });
      expect(parts).toHaveLength(1);
      expect(JSON.parse(parts[0]!.body.toString()).attachments).toEqual([att]);
    });

    it('refuses missing, unreferenced and corrupted attachment content, and broken multipart, storing nothing', async () => {
      const pdf = Buffer.from('the real certificate');
      const st = () => statement({ id: randomUUID(), attachments: [attachmentOf(pdf)] });
      const missing = st();
      const r1 = await c.post('statements', missing);
      expect(r1.status).toBe(400);
      expect(r1.json.code).toBe('LRS_ATTACHMENT_MISSING');
      expect(r1.json.problems[0].path).toBe('attachments[0].sha2');
      const r2 = await postMultipart(multipart(st(), [{ content: pdf }, { content: Buffer.from('extra') }]));
      expect(r2.json.code).toBe('LRS_ATTACHMENT_UNREFERENCED');
      const corrupted = st();
      const r3 = await postMultipart(multipart(corrupted, [{ content: Buffer.from('a forged certificate'), hash: sha256(pdf) }]));
      expect(r3.status).toBe(400);
      expect(r3.json.code).toBe('LRS_ATTACHMENT_HASH');
      expect((await c.get('statements', { statementId: corrupted.id })).status).toBe(404);
      const r4 = await postMultipart(Buffer.from('--b\r\nContent-Type: text/plain\r\n\r\n{}\r\n--b--\r\n'), 'b');
      expect(r4.json.code).toBe('LRS_MULTIPART');
      expect((await postMultipart(Buffer.from('no boundary here'), 'b')).status).toBe(400);
      expect((await c.post('statements', 'x', undefined, { 'content-type': 'multipart/mixed' })).status).toBe(400);
    });
  });

  describe('validation (second opinion: @learninglocker/xapi-validation)', () => {
    const base = () => statement({ id: randomUUID() });
    const invalid: Array<[string, () => any, string]> = [
      ['missing actor', () => ({ ...base(), actor: undefined }), 'actor'],
      ['agent with two identifiers', () => ({ ...base(), actor: { mbox: 'mailto:a@example.org', openid: 'http://openid.example.org/a' } }), 'actor'],
      ['agent with no identifier', () => ({ ...base(), actor: { name: 'nobody' } }), 'actor'],
      ['mbox without mailto:', () => ({ ...base(), actor: { mbox: 'a@example.org' } }), 'actor.mbox'],
      ['mbox_sha1sum not 40 hex', () => ({ ...base(), actor: { mbox_sha1sum: 'abc' } }), 'actor.mbox_sha1sum'],
      ['account without homePage', () => ({ ...base(), actor: { account: { name: 'x' } } }), 'actor.account.homePage'],
      ['anonymous group without members', () => ({ ...base(), actor: { objectType: 'Group', name: 'g' } }), 'actor'],
      ['anonymous group with an empty member list', () => ({ ...base(), actor: { objectType: 'Group', member: [] } }), 'actor'],
      ['group member that is a group', () => ({ ...base(), actor: { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:g@example.org' }] } }), 'actor.member[0].objectType'],
      ['verb id not an IRI', () => ({ ...base(), verb: { id: 'completed' } }), 'verb.id'],
      ['verb display with a bad language tag', () => ({ ...base(), verb: { id: 'http://example.org/v', display: { 'not a tag': 'x' } } }), 'verb.display'],
      ['activity without id', () => ({ ...base(), object: { objectType: 'Activity' } }), 'object.id'],
      ['statement id not a UUID', () => ({ ...base(), id: 'not-a-uuid' }), 'id'],
      ['timestamp with -00:00 offset', () => ({ ...base(), timestamp: '2024-01-01T00:00:00-00:00' }), 'timestamp'],
      ['timestamp not ISO 8601', () => ({ ...base(), timestamp: 'yesterday' }), 'timestamp'],
      ['scaled score above 1', () => ({ ...base(), result: { score: { scaled: 1.5 } } }), 'result.score.scaled'],
      ['raw score above max', () => ({ ...base(), result: { score: { raw: 11, min: 0, max: 10 } } }), 'result.score.raw'],
      ['duration not ISO 8601', () => ({ ...base(), result: { duration: '10 minutes' } }), 'result.duration'],
      ['success not boolean', () => ({ ...base(), result: { success: 'yes' } }), 'result.success'],
      ['registration not a UUID', () => ({ ...base(), context: { registration: '123' } }), 'context.registration'],
      ['revision with an Agent object', () => ({ ...base(), object: agent('o'), context: { revision: '2' } }), 'context.revision'],
      ['extension key not an IRI', () => ({ ...base(), result: { extensions: { score: 1 } } }), 'result.extensions'],
      ['unknown top-level property', () => ({ ...base(), colour: 'blue' }), 'colour'],
      ['voided verb without a StatementRef', () => ({ ...base(), verb: { id: VOIDED } }), 'object'],
      ['SubStatement inside a SubStatement', () => ({ ...base(), object: { objectType: 'SubStatement', actor: agent('s'), verb: { id: 'http://example.org/v' }, object: { objectType: 'SubStatement', actor: agent('t'), verb: { id: 'http://example.org/v' }, object: { id: 'http://example.org/a' } } } }), 'object.object.objectType'],
      ['SubStatement with an id', () => ({ ...base(), object: { objectType: 'SubStatement', id: randomUUID(), actor: agent('s'), verb: { id: 'http://example.org/v' }, object: { id: 'http://example.org/a' } } }), 'object.id'],
      ['StatementRef without a UUID', () => ({ ...base(), object: { objectType: 'StatementRef', id: 'x' } }), 'object.id'],
      ['interactionType not in the list', () => ({ ...base(), object: { id: 'http://example.org/q', definition: { interactionType: 'essay' } } }), 'object.definition.interactionType'],
      ['choices on a likert interaction', () => ({ ...base(), object: { id: 'http://example.org/q', definition: { interactionType: 'likert', choices: [{ id: 'a' }] } } }), 'object.definition.choices'],
      ['duplicate interaction component ids', () => ({ ...base(), object: { id: 'http://example.org/q', definition: { interactionType: 'choice', choices: [{ id: 'a' }, { id: 'a' }] } } }), 'object.definition.choices'],
      ['an anonymous authority Group without exactly two members', () => ({ ...base(), authority: { objectType: 'Group', member: [agent('a1'), agent('a2'), agent('a3')] } }), 'authority.member'],
      ['attachment without sha2', () => ({ ...base(), attachments: [{ usageType: 'http://example.org/u', display: { en: 'a' }, contentType: 'text/plain', length: 1, fileUrl: 'http://example.org/f' }] }), 'attachments[0].sha2'],
    ];
    it.each(invalid)('rejects %s, naming the field', async (_name, make, path) => {
      const st = make();
      const r = await c.post('statements', st);
      expect(r.status).toBe(400);
      expect(r.json.problems.map((p: any) => p.path)).toContain(path);
      if (/^[0-9a-f-]{36}$/.test(st.id)) expect((await c.get('statements', { statementId: st.id })).status).toBe(404);
    });

    it('agrees with the Learning Locker validator on the invalid statements it checks', () => {
      // LL does not check SubStatement ids, -00:00, duration syntax, bad UTF-16 or raw/max; the rest it must also reject.
      const llChecks = invalid.filter(([n]) => !/-00:00|SubStatement with an id|duration|raw score|revision|extension key|bad language tag|attachment without sha2|member that is a group|likert|duplicate interaction|authority Group/.test(n));
      for (const [name, make] of llChecks) {
        const st = make();
        if (st.actor === undefined) delete st.actor;
        expect(llValidate(st).length, name).toBeGreaterThan(0);
      }
    });

    const valid: Array<[string, () => any]> = [
      ['a full statement with result, context and extensions', () => ({
        ...base(),
        actor: { objectType: 'Agent', name: 'B', account: { homePage: 'https://lms.example.edu', name: '42' } },
        result: { score: { scaled: 0.8, raw: 8, min: 0, max: 10 }, success: true, completion: true, response: 'b', duration: 'PT1H2M3.5S', extensions: { 'http://example.org/ext': { a: [1, 2] } } },
        context: {
          registration: randomUUID(),
          instructor: agent('teacher'),
          team: { objectType: 'Group', name: 'T', member: [agent('m1')] },
          contextActivities: { parent: [{ id: 'http://example.org/course' }], grouping: [{ id: 'http://example.org/program' }], category: [{ id: 'http://example.org/profile' }] },
          revision: '3', platform: 'coursepack', language: 'en-GB', statement: { objectType: 'StatementRef', id: randomUUID() },
          extensions: { 'http://example.org/c': 1 },
        },
        timestamp: '2024-02-29T23:59:59.999Z',
      })],
      ['an anonymous group actor', () => ({ ...base(), actor: { objectType: 'Group', member: [agent('x'), { mbox_sha1sum: 'a'.repeat(40) }] } })],
      ['an identified group actor', () => ({ ...base(), actor: { objectType: 'Group', openid: 'http://openid.example.org/g' } })],
      ['a SubStatement object', () => ({ ...base(), object: { objectType: 'SubStatement', actor: agent('s'), verb: { id: 'http://example.org/will' }, object: { id: 'http://example.org/a' } } })],
      ['an Agent object', () => ({ ...base(), object: agent('obj') })],
      ['a choice interaction', () => ({ ...base(), object: { id: 'http://example.org/q1', definition: { name: { 'en-US': 'Q1' }, type: 'http://adlnet.gov/expapi/activities/cmi.interaction', interactionType: 'choice', correctResponsesPattern: ['a[,]b'], choices: [{ id: 'a', description: { en: 'A' } }, { id: 'b' }] } } })],
      ['version 1.0.3', () => ({ ...base(), version: '1.0.3' })],
    ];
    it('accepts a single context activity object where an array is usual (Learning Locker does not)', async () => {
      const r = await c.post('statements', statement({ context: { contextActivities: { parent: { id: 'http://example.org/course' } } } }));
      expect(r.status, r.text).toBe(200);
    });
    it.each(valid)('accepts %s (and so does Learning Locker)', async (_name, make) => {
      const st = make();
      expect(llValidate(st)).toEqual([]);
      const r = await c.post('statements', st);
      expect(r.status, r.text).toBe(200);
    });
  });

  describe('GET filters', () => {
    // A small world of statements with unique IRIs, posted in order with known stored times.
    const course = `http://example.org/course/${randomUUID()}`;
    const lesson = `${course}/lesson-1`;
    const quiz = `${course}/quiz`;
    const reg = randomUUID();
    const learner = { objectType: 'Agent', mbox: `mailto:${randomUUID()}@example.org` };
    const teacher = { objectType: 'Agent', mbox: `mailto:${randomUUID()}@example.org` };
    const verbs = { launched: 'http://adlnet.gov/expapi/verbs/launched', answered: 'http://adlnet.gov/expapi/verbs/answered', passed: 'http://adlnet.gov/expapi/verbs/passed' };
    const ids: Record<string, string> = {};
    let between: string;

    beforeAll(async () => {
      const post = async (name: string, st: any) => {
        const r = await c.post('statements', { id: randomUUID(), ...st });
        expect(r.status, r.text).toBe(200);
        ids[name] = r.json[0];
      };
      await post('launch', { actor: learner, verb: { id: verbs.launched }, object: { id: lesson }, context: { registration: reg, contextActivities: { parent: [{ id: course }] } } });
      await post('answer', { actor: learner, verb: { id: verbs.answered, display: { 'en-US': 'answered', 'fr-FR': 'a répondu' } }, object: { id: quiz, definition: { name: { 'en-US': 'Quiz', 'fr-FR': 'Quiz FR' } } }, context: { registration: reg, instructor: teacher, contextActivities: { parent: [{ id: course }] } } });
      await new Promise((r) => setTimeout(r, 5));
      between = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await post('pass', { actor: learner, verb: { id: verbs.passed }, object: { id: quiz }, context: { registration: randomUUID() } });
      await post('teach', { actor: teacher, verb: { id: verbs.launched }, object: learner });
      await post('sub', { actor: teacher, verb: { id: 'http://example.org/planned' }, object: { objectType: 'SubStatement', actor: learner, verb: { id: verbs.launched }, object: { id: `${course}/lesson-2` } } });
    });

    const idsOf = async (q: Record<string, unknown>) => {
      const r = await c.get('statements', q);
      expect(r.status, r.text).toBe(200);
      return r.json.statements.map((s: any) => Object.entries(ids).find(([, v]) => v === s.id)?.[0] ?? s.id);
    };

    it('agent matches the actor or an Agent object', async () => {
      expect(await idsOf({ agent: learner })).toEqual(['teach', 'pass', 'answer', 'launch']);
      expect(await idsOf({ agent: teacher })).toEqual(['sub', 'teach']);
    });
    it('related_agents widens to instructor, team, authority and SubStatements', async () => {
      expect(await idsOf({ agent: teacher, related_agents: 'true', activity: quiz })).toEqual(['answer']);
      expect(await idsOf({ agent: learner, related_agents: 'true' })).toEqual(['sub', 'teach', 'pass', 'answer', 'launch']);
    });
    it('verb, activity and registration filter and combine with AND', async () => {
      expect(await idsOf({ verb: verbs.launched, agent: learner })).toEqual(['teach', 'launch']);
      expect(await idsOf({ verb: verbs.launched, activity: lesson })).toEqual(['launch']);
      expect(await idsOf({ activity: quiz })).toEqual(['pass', 'answer']);
      expect(await idsOf({ registration: reg })).toEqual(['answer', 'launch']);
      expect(await idsOf({ registration: reg, verb: verbs.answered })).toEqual(['answer']);
    });
    it('related_activities widens to context activities and SubStatement objects', async () => {
      expect(await idsOf({ activity: course })).toEqual([]);
      expect(await idsOf({ activity: course, related_activities: 'true' })).toEqual(['answer', 'launch']);
      expect(await idsOf({ activity: `${course}/lesson-2`, related_activities: 'true' })).toEqual(['sub']);
    });
    it('since is exclusive, until inclusive, ascending reverses the order', async () => {
      expect(await idsOf({ agent: learner, since: between })).toEqual(['teach', 'pass']);
      expect(await idsOf({ agent: learner, until: between })).toEqual(['answer', 'launch']);
      expect(await idsOf({ agent: learner, ascending: 'true' })).toEqual(['launch', 'answer', 'pass', 'teach']);
      const launch = await getOne(ids.launch!);
      expect(await idsOf({ registration: reg, since: launch.stored })).toEqual(['answer']);
      expect(await idsOf({ registration: reg, until: launch.stored })).toEqual(['launch']);
    });
    it('format=ids keeps only identifiers; canonical picks one language by Accept-Language', async () => {
      const r = await c.get('statements', { statementId: ids.answer, format: 'ids' });
      expect(r.json.verb).toEqual({ id: verbs.answered });
      expect(r.json.object).toEqual({ objectType: 'Activity', id: quiz });
      expect(r.json.context.instructor).toEqual({ objectType: 'Agent', mbox: teacher.mbox });
      expect(r.json.context.contextActivities.parent).toEqual([{ objectType: 'Activity', id: course }]);
      const fr = await c.get('statements', { statementId: ids.answer, format: 'canonical' }, { 'accept-language': 'fr-FR, en;q=0.5' });
      expect(fr.json.verb.display).toEqual({ 'fr-FR': 'a répondu' });
      expect(fr.json.object.definition.name).toEqual({ 'fr-FR': 'Quiz FR' });
      const exact = await c.get('statements', { statementId: ids.answer, format: 'exact' });
      expect(Object.keys(exact.json.verb.display)).toHaveLength(2);
    });
    it('related_agents also matches the authority (the key that stored the statement)', async () => {
      const made = await t.client({ name: 'auditor', scopes: ['statements:write'] });
      const keyId = Buffer.from(made.auth.slice(6), 'base64').toString().split(':')[0]!;
      const id = (await made.post('statements', statement())).json[0];
      const authority = { objectType: 'Agent', account: { homePage: c.endpoint, name: keyId } };
      expect((await c.get('statements', { agent: authority })).json.statements).toEqual([]);
      expect((await c.get('statements', { agent: authority, related_agents: 'true' })).json.statements.map((s: any) => s.id)).toEqual([id]);
    });
    it('agent also matches a Group that has the agent as a member', async () => {
      const member = { objectType: 'Agent', mbox: `mailto:${randomUUID()}@example.org` };
      const group = statement({ actor: { objectType: 'Group', name: 'Team', member: [member, agent('other')] } });
      const id = (await c.post('statements', group)).json[0];
      expect((await c.get('statements', { agent: member })).json.statements.map((s: any) => s.id)).toEqual([id]);
    });
    it('format=canonical uses the LRS canonical activity definition, in the asked language', async () => {
      const act = `http://example.org/canonical/${randomUUID()}`;
      await c.post('statements', statement({ object: { id: act, definition: { name: { 'en-GB': 'Canonical', fr: 'Canonique' } } } }));
      const writer = await t.client({ name: 'writer', scopes: ['statements:write'] });
      const id = (await writer.post('statements', statement({ object: { id: act, definition: { name: { 'en-GB': 'Other' } } } }))).json[0];
      const canon = await c.get('statements', { statementId: id, format: 'canonical' }, { 'accept-language': 'fr' });
      expect(canon.json.object.definition.name).toEqual({ fr: 'Canonique' });
      expect((await c.get('statements', { statementId: id })).json.object.definition.name).toEqual({ 'en-GB': 'Other' });
      const list = await c.get('statements', { activity: act, format: 'canonical' }, { 'accept-language': 'en-GB' });
      expect(list.json.statements.map((s: any) => s.object.definition.name)).toEqual([{ 'en-GB': 'Canonical' }, { 'en-GB': 'Canonical' }]);
    });
    it('refuses unknown parameters, bad values, and statementId combined with filters', async () => {
      expect((await c.get('statements', { colour: 'red' })).status).toBe(400);
      expect((await c.get('statements', { agent: '{"name":"x"}' })).status).toBe(400);
      expect((await c.get('statements', { since: 'last week' })).status).toBe(400);
      expect((await c.get('statements', { limit: '-1' })).status).toBe(400);
      expect((await c.get('statements', { format: 'full' })).status).toBe(400);
      expect((await c.get('statements', { statementId: ids.launch, verb: verbs.launched })).status).toBe(400);
      expect((await c.get('statements', { statementId: randomUUID() })).status).toBe(404);
    });
    it('writes and errors on the Statement Resource carry X-Experience-API-Consistent-Through too', async () => {
      const ok = await c.post('statements', statement());
      expect(Date.parse(ok.headers.get('x-experience-api-consistent-through')!)).toBeGreaterThan(0);
      const bad = await c.post('statements', '{');
      expect(bad.status).toBe(400);
      expect(Date.parse(bad.headers.get('x-experience-api-consistent-through')!)).toBeGreaterThan(0);
    });
    it('single GETs carry Last-Modified; every GET carries X-Experience-API-Consistent-Through', async () => {
      const one = await c.get('statements', { statementId: ids.pass });
      expect(Date.parse(one.headers.get('last-modified')!)).toBeGreaterThan(0);
      const many = await c.get('statements', { agent: learner });
      const through = Date.parse(many.headers.get('x-experience-api-consistent-through')!);
      for (const s of many.json.statements) expect(through).toBeGreaterThanOrEqual(Date.parse(s.stored));
    });
  });

  describe('more', () => {
    it('pages through every statement once, stably while new statements arrive', async () => {
      const activity = `http://example.org/paging/${randomUUID()}`;
      const batch = Array.from({ length: 7 }, (_, i) => statement({ object: { id: activity }, result: { response: String(i) } }));
      const posted: string[] = (await c.post('statements', batch)).json;
      for (const ascending of ['false', 'true']) {
        const seen: string[] = [];
        let r = await c.get('statements', { activity, limit: 3, ascending });
        for (;;) {
          seen.push(...r.json.statements.map((s: any) => s.id));
          // Writes between pages must not shift or repeat what the pages return.
          await c.post('statements', statement({ object: { id: activity } }));
          if (!r.json.more) break;
          expect(r.json.more).toMatch(/^\/xapi\/statements\?more=/);
          r = await c.get(r.json.more);
          expect(r.status).toBe(200);
        }
        expect(seen).toEqual(ascending === 'true' ? posted : [...posted].reverse());
        posted.length = 0;
        posted.push(...(await c.get('statements', { activity, ascending: 'true', limit: 0 })).json.statements.map((s: any) => s.id));
      }
    });
    it('pages within since/until in both orders, each statement once (since, until, page bounds combined)', async () => {
      const activity = `http://example.org/paging/${randomUUID()}`;
      const ids: string[] = [];
      const stored: string[] = [];
      for (let i = 0; i < 9; i++) {
        const [id] = (await c.post('statements', statement({ object: { id: activity } }))).json;
        ids.push(id);
        stored.push((await getOne(id)).stored);
        await new Promise((r) => setTimeout(r, 3)); // distinct stored milliseconds
      }
      const want = ids.slice(2, 8); // since is exclusive, until inclusive
      for (const ascending of ['false', 'true']) {
        const seen: string[] = [];
        let r = await c.get('statements', { activity, since: stored[1], until: stored[7], limit: 2, ascending });
        for (;;) {
          expect(r.status).toBe(200);
          expect(r.json.statements.length).toBeLessThanOrEqual(2);
          seen.push(...r.json.statements.map((s: any) => s.id));
          if (!r.json.more) break;
          r = await c.get(r.json.more);
        }
        expect(seen).toEqual(ascending === 'true' ? want : [...want].reverse());
      }
    });
    it('exact pages are the stored statements byte for byte, with id, stored, timestamp, authority and version', async () => {
      const activity = `http://example.org/paging/${randomUUID()}`;
      const batch = [
        statement({ object: { id: activity, definition: { name: { 'en-US': 'One', de: 'Eins' } } } }),
        statement({ object: { id: activity }, context: { contextActivities: { parent: { id: 'http://example.org/p' } } } }),
        statement({ object: { id: activity }, result: { response: 'quote " backslash \\ unicode \u00e9 \u2028' } }),
      ];
      const ids: string[] = (await c.post('statements', batch)).json;
      const singles = await Promise.all(ids.map(async (id) => (await c.get('statements', { statementId: id })).text));
      for (const [i, text] of singles.entries()) {
        const st = JSON.parse(text);
        expect(st.id).toBe(ids[i]);
        for (const k of ['stored', 'timestamp', 'authority', 'version']) expect(st[k], k).toBeDefined();
      }
      expect(JSON.parse(singles[1]!).context.contextActivities.parent).toEqual([{ id: 'http://example.org/p' }]);
      // Every language is kept in exact, whatever Accept-Language says.
      expect(JSON.parse(singles[0]!).object.definition.name).toEqual({ 'en-US': 'One', de: 'Eins' });
      const page = await c.get('statements', { activity, ascending: 'true' }, { 'accept-language': 'de' });
      expect(page.headers.get('content-type')).toMatch(/^application\/json/);
      expect(page.text).toBe(`{"statements":[${singles.join(',')}],"more":""}`);
      const paged = await c.get('statements', { activity, ascending: 'true', limit: 2, format: 'exact' });
      expect(paged.text.startsWith(`{"statements":[${singles.slice(0, 2).join(',')}],"more":"/xapi/statements?more=`)).toBe(true);
      expect((await c.get(paged.json.more)).text).toBe(`{"statements":[${singles[2]}],"more":""}`);
    });
    it('limit=0 means the server maximum and the last page has more ""', async () => {
      const r = await c.get('statements', { limit: 0 });
      expect(r.json.statements.length).toBeGreaterThan(10);
      expect(typeof r.json.more).toBe('string');
      expect((await c.get('statements', { more: 'garbage' })).status).toBe(400);
    });
    it('a tampered more token cannot ask for more than a page or smuggle in bad filters', async () => {
      const r = await c.get('statements', { limit: 1 });
      const token = new URL(r.json.more, c.endpoint).searchParams.get('more')!;
      const t = JSON.parse(Buffer.from(token, 'base64url').toString());
      const huge = Buffer.from(JSON.stringify({ ...t, filter: { ...t.filter, limit: 1_000_000 } })).toString('base64url');
      const page = await c.get('statements', { more: huge });
      expect(page.status).toBe(200);
      expect(page.json.statements.length).toBeLessThanOrEqual(500);
      const bad = Buffer.from(JSON.stringify({ ...t, filter: { ...t.filter, sinceMs: '0 OR 1=1' } })).toString('base64url');
      expect((await c.get('statements', { more: bad })).status).toBe(400);
    });
  });

  describe('voiding', () => {
    it('a voided statement is only found by voidedStatementId; the voiding statement stays visible', async () => {
      const target = statement({ id: randomUUID() });
      await c.post('statements', target);
      const voiding = statement({ id: randomUUID(), verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: target.id } });
      expect((await c.post('statements', voiding)).status).toBe(200);
      expect((await c.get('statements', { statementId: target.id })).status).toBe(404);
      const v = await c.get('statements', { voidedStatementId: target.id });
      expect(v.status).toBe(200);
      expect(v.json.id).toBe(target.id);
      expect((await c.get('statements', { voidedStatementId: voiding.id })).status).toBe(404);
      // The voiding statement matches filters through its StatementRef; the voided one never does.
      const byActivity = (await c.get('statements', { activity: target.object.id })).json.statements.map((s: any) => s.id);
      expect(byActivity).toEqual([voiding.id]);
    });
    it('a voiding statement cannot itself be voided', async () => {
      const target = statement({ id: randomUUID() });
      const voiding = statement({ id: randomUUID(), verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: target.id } });
      await c.post('statements', [target, voiding]);
      const r = await c.post('statements', statement({ verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: voiding.id } }));
      expect(r.status).toBe(400);
      expect((await c.get('statements', { statementId: voiding.id })).status).toBe(200);
    });
    it('a statement arriving after the statement that voids it is stored voided', async () => {
      const target = statement({ id: randomUUID() });
      await c.post('statements', statement({ verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: target.id } }));
      await c.post('statements', target);
      expect((await c.get('statements', { statementId: target.id })).status).toBe(404);
      expect((await c.get('statements', { voidedStatementId: target.id })).status).toBe(200);
    });
    it('a statement referring to another by StatementRef matches the filters of its target', async () => {
      const target = statement({ id: randomUUID(), verb: { id: `http://example.org/verbs/${randomUUID()}` } });
      await c.post('statements', target);
      const ref = statement({ id: randomUUID(), verb: { id: 'http://example.org/verbs/commented' }, object: { objectType: 'StatementRef', id: target.id } });
      await c.post('statements', ref);
      const r = await c.get('statements', { verb: target.verb.id });
      expect(r.json.statements.map((s: any) => s.id)).toEqual([ref.id, target.id]);
    });
  });

  it('logs one structured line per request', () => {
    expect(t.logs.length).toBeGreaterThan(50);
    const line = t.logs.find((l: any) => l.method === 'POST') as any;
    expect(line).toMatchObject({ method: 'POST', path: '/xapi/statements', status: expect.any(Number), ms: expect.any(Number) });
  });
});
