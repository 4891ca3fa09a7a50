// Statement rules for everything the LRS accepts: the structural part is the JSON
// Schema in schemas/xapi-statement.schema.json (checked with ajv), the rest are hand
// rules JSON Schema cannot say clearly (exactly one identifier per agent, voiding,
// SubStatement limits, score ranges, context revision/platform, unicode the stores
// cannot keep). Every problem names the field and why, so a package author can act.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { problem, type Problem } from '../errors.ts';

const schema = JSON.parse(readFileSync(new URL('../../schemas/xapi-statement.schema.json', import.meta.url), 'utf8'));

// RFC 3987 is too permissive to check fully; an IRI must at least have a scheme and no spaces.
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LANGTAG = /^(?:[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*|[xX](?:-[A-Za-z0-9]{1,8})+)$/;
// ISO 8601 date-time with optional fraction; the zone may be omitted (ISO allows it) but
// "-00:00" is forbidden by the spec (it means "unknown offset" in RFC 3339).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DURATION = /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/;

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('xapi-iri', IRI);
ajv.addFormat('xapi-uuid', UUID);
ajv.addFormat('xapi-langtag', LANGTAG);
ajv.addFormat('xapi-mailto', /^mailto:[^\s@]+@[^\s@]+$/);
ajv.addFormat('xapi-duration', DURATION);
ajv.addFormat('xapi-timestamp', (s: string) => TIMESTAMP.test(s) && !s.endsWith('-00:00') && !Number.isNaN(Date.parse(s)));
const checkSchema = ajv.compile(schema);

export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}
export function isIri(s: unknown): s is string {
  return typeof s === 'string' && IRI.test(s);
}
export function isTimestamp(s: unknown): s is string {
  return typeof s === 'string' && TIMESTAMP.test(s) && !s.endsWith('-00:00') && !Number.isNaN(Date.parse(s));
}

/** Problems with one statement; `at` prefixes paths (e.g. `[3]` for the fourth in a batch). */
export function validateStatement(st: unknown, at = ''): Problem[] {
  const out: Problem[] = [];
  // Deep nesting (only possible inside extensions) would overflow the stack later on.
  if (depthOf(st, MAX_DEPTH) > MAX_DEPTH) {
    return [problem('XAPI_TOO_DEEP', `nests objects/arrays more than ${MAX_DEPTH} levels deep`, { path: at || 'statement' })];
  }
  if (!checkSchema(st)) out.push(...schemaProblems(checkSchema.errors ?? [], at));
  if (out.length === 0) handRules(st as Record<string, any>, at, out);
  unicodeRules(st, at || 'statement', out);
  return out.slice(0, 20);
}

function schemaProblems(errors: ErrorObject[], at: string): Problem[] {
  // if/then/else produce a wrapper error after the real one; the real ones say more.
  const useful = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'oneOf');
  const list = useful.length > 0 ? useful : errors;
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of list) {
    let path = joinPath(at, jsonPointerToPath(e.instancePath));
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      path = joinPath(path, String((e.params as any).additionalProperty));
      message = 'is not allowed here';
    } else if (e.keyword === 'required') {
      path = joinPath(path, String((e.params as any).missingProperty));
      message = 'is required';
    } else if (e.keyword === 'format') {
      message = `must be ${formatName(String((e.params as any).format))}`;
    } else if (e.keyword === 'propertyNames') {
      message = `has a key that is not ${e.schemaPath.includes('languageMap') ? 'a language tag' : 'an IRI'}`;
    }
    const key = `${path}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem('XAPI_STATEMENT_INVALID', message, { path: path || 'statement' }));
  }
  return out;
}

function formatName(f: string): string {
  return (
    {
      'xapi-iri': 'an absolute IRI',
      'xapi-uuid': 'a UUID',
      'xapi-langtag': 'an RFC 5646 language tag',
      'xapi-mailto': 'a mailto: IRI with an e-mail address',
      'xapi-duration': 'an ISO 8601 duration',
      'xapi-timestamp': 'an ISO 8601 timestamp (and not -00:00)',
    } as Record<string, string>
  )[f] ?? `format ${f}`;
}

function jsonPointerToPath(p: string): string {
  if (!p) return '';
  return p
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : joinPath(acc, seg)), '');
}

function joinPath(a: string, b: string): string {
  if (!a || !b) return a || b;
  return b.startsWith('[') ? `${a}${b}` : `${a}.${b}`;
}

const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

function handRules(st: Record<string, any>, at: string, out: Problem[]): void {
  const bad = (path: string, message: string) => out.push(problem('XAPI_STATEMENT_INVALID', message, { path: joinPath(at, path) }));
  checkActor(st.actor, 'actor', bad);
  if (st.authority) {
    checkActor(st.authority, 'authority', bad);
    // An anonymous Group as authority is the OAuth pair (application + user): exactly two Agents.
    if (st.authority.objectType === 'Group' && !IFIS.some((k) => st.authority[k] !== undefined) && st.authority.member?.length !== 2) {
      bad('authority.member', 'an anonymous Group as authority must have exactly two members');
    }
  }
  checkObject(st.object, 'object', bad);
  if (st.verb.id === VOIDED_VERB && st.object.objectType !== 'StatementRef') {
    bad('object', 'a statement with the verb "voided" must have a StatementRef as its object');
  }
  if (st.context) checkContext(st.context, st.object, 'context', bad);
  if (st.result?.score) checkScore(st.result.score, 'result.score', bad);
  if (st.object.objectType === 'SubStatement') {
    const sub = st.object;
    checkActor(sub.actor, 'object.actor', bad);
    checkObject(sub.object, 'object.object', bad);
    if (sub.context) checkContext(sub.context, sub.object, 'object.context', bad);
    if (sub.result?.score) checkScore(sub.result.score, 'object.result.score', bad);
  }
}

type Bad = (path: string, message: string) => void;

function checkActor(a: Record<string, any>, path: string, bad: Bad): void {
  const ifis = IFIS.filter((k) => a[k] !== undefined);
  if (a.objectType === 'Group') {
    if (ifis.length > 1) bad(path, `an identified Group must have exactly one identifier, found ${ifis.join(', ')}`);
    if (ifis.length === 0 && !(Array.isArray(a.member) && a.member.length > 0)) bad(path, 'an anonymous Group must list its members in "member"');
    (a.member ?? []).forEach((m: any, i: number) => checkActor(m, `${path}.member[${i}]`, bad));
  } else if (ifis.length !== 1) {
    bad(path, `an Agent must have exactly one of mbox, mbox_sha1sum, openid, account; found ${ifis.length ? ifis.join(', ') : 'none'}`);
  }
}

// Which interaction component lists each interactionType may carry.
const COMPONENTS: Record<string, string[]> = {
  choice: ['choices'],
  sequencing: ['choices'],
  likert: ['scale'],
  matching: ['source', 'target'],
  performance: ['steps'],
};

function checkDefinition(d: Record<string, any> | undefined, path: string, bad: Bad): void {
  if (!d) return;
  for (const list of ['choices', 'scale', 'source', 'target', 'steps']) {
    if (d[list] === undefined) continue;
    if (!d.interactionType) bad(`${path}.${list}`, 'interaction components need an interactionType');
    else if (!(COMPONENTS[d.interactionType] ?? []).includes(list)) bad(`${path}.${list}`, `not allowed with interactionType "${d.interactionType}"`);
    const ids = (d[list] as Array<{ id: string }>).map((c) => c.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) bad(`${path}.${list}`, `component id "${dup}" appears twice`);
  }
  if (d.correctResponsesPattern !== undefined && !d.interactionType) bad(`${path}.correctResponsesPattern`, 'needs an interactionType');
}

function checkObject(o: Record<string, any>, path: string, bad: Bad): void {
  if (o.objectType === 'Agent' || o.objectType === 'Group') checkActor(o, path, bad);
  if (o.objectType === undefined || o.objectType === 'Activity') checkDefinition(o.definition, `${path}.definition`, bad);
  if (o.objectType === 'SubStatement' && o.object?.objectType === 'SubStatement') {
    bad(`${path}.object`, 'a SubStatement must not contain another SubStatement');
  }
}

function checkContext(c: Record<string, any>, object: Record<string, any>, path: string, bad: Bad): void {
  const isActivity = object.objectType === undefined || object.objectType === 'Activity';
  if (!isActivity && c.revision !== undefined) bad(`${path}.revision`, 'only allowed when the object is an Activity');
  if (!isActivity && c.platform !== undefined) bad(`${path}.platform`, 'only allowed when the object is an Activity');
  if (c.instructor) checkActor(c.instructor, `${path}.instructor`, bad);
  for (const [k, v] of Object.entries((c.contextActivities ?? {}) as Record<string, any>)) {
    (Array.isArray(v) ? v : [v]).forEach((a: any, i: number) => checkDefinition(a.definition, `${path}.contextActivities.${k}[${i}].definition`, bad));
  }
  if (c.team) checkActor(c.team, `${path}.team`, bad);
}

function checkScore(s: Record<string, number>, path: string, bad: Bad): void {
  if (s.min !== undefined && s.max !== undefined && !(s.min < s.max)) bad(`${path}.min`, 'must be less than max');
  if (s.raw !== undefined && s.min !== undefined && s.raw < s.min) bad(`${path}.raw`, 'must not be less than min');
  if (s.raw !== undefined && s.max !== undefined && s.raw > s.max) bad(`${path}.raw`, 'must not be more than max');
}

// Lone surrogates become U+FFFD in SQLite and NUL is refused by PostgreSQL: either would
// silently change an acknowledged statement, so refuse them up front.
function unicodeRules(v: unknown, path: string, out: Problem[]): void {
  const stack: Array<[unknown, string]> = [[v, path]];
  while (stack.length > 0 && out.length < 20) {
    const [x, p] = stack.pop()!;
    if (typeof x === 'string') {
      const why = badUnicode(x);
      if (why) out.push(problem('XAPI_UNICODE', why, { path: p }));
    } else if (Array.isArray(x)) {
      x.forEach((y, i) => stack.push([y, `${p}[${i}]`]));
    } else if (x && typeof x === 'object') {
      for (const [k, y] of Object.entries(x)) {
        const why = badUnicode(k);
        if (why) out.push(problem('XAPI_UNICODE', `key ${why}`, { path: p }));
        stack.push([y, `${p}.${k}`]);
      }
    }
  }
}

export const MAX_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than MAX_DEPTH. */
export function tooDeep(v: unknown): boolean {
  return depthOf(v, MAX_DEPTH) > MAX_DEPTH;
}

/** Nesting depth of a JSON value, counting stops once past `limit`; iterative, so safe on any input. */
function depthOf(v: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (!x || typeof x !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const y of Array.isArray(x) ? x : Object.values(x)) if (y && typeof y === 'object') stack.push([y, d + 1]);
  }
  return max;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function badUnicode(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

const checkActorSchema = ajv.getSchema(`${schema.$id}#/definitions/actor`)!;

/** Problems with an Agent/Group given as a query parameter (`agent=`). */
export function validateActor(a: unknown, at: string): Problem[] {
  if (!checkActorSchema(a)) return schemaProblems(checkActorSchema.errors ?? [], at);
  const out: Problem[] = [];
  checkActor(a as Record<string, any>, at, (path, message) => out.push(problem('XAPI_AGENT_INVALID', message, { path })));
  return out;
}
