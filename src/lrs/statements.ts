// Statement handling between HTTP and storage: fill in what the LRS owns (id, stored,
// timestamp, authority, version), build the filter index (including what a StatementRef
// inherits), hash for the "same id, same content" rule, and render the ids / exact /
// canonical formats on the way out.
import { createHash, randomUUID } from 'node:crypto';
import type { KeyRow, ActivityRow, StatementRow } from './storage/types.ts';
import { VOIDED_VERB } from './validate.ts';

type Json = Record<string, any>;

/** Filter index kinds. Lower case: the direct match; upper case: the related_* widening. */
export const KIND = { agent: 'a', relatedAgent: 'A', activity: 'o', relatedActivity: 'O', verb: 'v', registration: 'r' } as const;

/** Stable identity of an Agent or identified Group (its inverse functional identifier). */
export function agentKey(a: Json | undefined): string | undefined {
  if (!a || typeof a !== 'object') return undefined;
  if (typeof a.mbox === 'string') return `mbox:${a.mbox.toLowerCase()}`;
  if (typeof a.mbox_sha1sum === 'string') return `sha1:${a.mbox_sha1sum.toLowerCase()}`;
  if (typeof a.openid === 'string') return `openid:${a.openid}`;
  if (a.account && typeof a.account === 'object') return `account:${a.account.homePage}|${a.account.name}`;
  return undefined;
}

export function authorityFor(key: KeyRow, homePage: string): Json {
  return { objectType: 'Agent', name: key.name, account: { homePage, name: key.id } };
}

/** Sorted-key JSON: the comparison form for the 409 rule (language-map order must not matter). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v as Json).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Json)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The comparison form of a statement (xAPI 1.0.3 Data §2.3.1 Statement Comparison
 * Requirements): ignores id, authority, stored, timestamp, version, attachments,
 * Activity Definitions, the order of Group members and the case of UUIDs.
 */
function comparable(st: Json): Json {
  const { id: _i, authority: _a, stored: _s, timestamp: _t, version: _v, attachments: _att, ...rest } = st;
  const actor = (a: Json | undefined) => {
    if (!a || !Array.isArray(a.member)) return a;
    return { ...a, member: [...a.member].sort((x, y) => (canonicalJson(x) < canonicalJson(y) ? -1 : 1)) };
  };
  const object = (o: Json): Json => {
    if (o.objectType === 'SubStatement') return comparable(o);
    if (o.objectType === 'StatementRef') return { ...o, id: String(o.id).toLowerCase() };
    if (o.objectType === 'Agent' || o.objectType === 'Group') return actor(o)!;
    const { definition: _d, ...activity } = o;
    return activity;
  };
  const out: Json = { ...rest, actor: actor(rest.actor), object: object(rest.object) };
  if (rest.context) {
    const c: Json = { ...rest.context, instructor: actor(rest.context.instructor), team: actor(rest.context.team) };
    if (c.registration) c.registration = String(c.registration).toLowerCase();
    if (c.statement) c.statement = { ...c.statement, id: String(c.statement.id).toLowerCase() };
    if (c.contextActivities) {
      c.contextActivities = Object.fromEntries(Object.entries(c.contextActivities as Json).map(([k, v]) => [k, asList<Json>(v).map((a) => ({ id: a.id }))]));
    }
    for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
    out.context = c;
  }
  return out;
}

export function contentHash(st: Json): string {
  return createHash('sha256').update(canonicalJson(comparable(st))).digest('base64url');
}

export function asList<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

function contextActivities(ctx: Json | undefined): Json[] {
  const ca = ctx?.contextActivities ?? {};
  return ['parent', 'grouping', 'category', 'other'].flatMap((k) => asList<Json>(ca[k]));
}

function isActivity(o: Json): boolean {
  return o.objectType === undefined || o.objectType === 'Activity';
}

/**
 * Every activity IRI a statement writes about, for a key's activity-prefix check: the
 * object (and SubStatement object) plus the parent, grouping and other context
 * activities. `category` is left out: categories tag the profile a statement follows
 * (cmi5 puts https://w3id.org/xapi/cmi5/context/categories/cmi5 on every cmi5-defined
 * statement), they are not activities of the course, and counting them would make a
 * course-scoped key useless to every cmi5 AU.
 */
export function activityIris(st: Json): Array<{ iri: string; path: string }> {
  const out: Array<{ iri: string; path: string }> = [];
  const visit = (s: Json, at: string) => {
    if (isActivity(s.object)) out.push({ iri: s.object.id, path: `${at}object.id` });
    const ca = s.context?.contextActivities ?? {};
    for (const k of ['parent', 'grouping', 'other']) {
      for (const a of asList<Json>(ca[k])) out.push({ iri: a.id, path: `${at}context.contextActivities.${k}` });
    }
  };
  visit(st, '');
  if (st.object.objectType === 'SubStatement') visit(st.object, 'object.');
  return out;
}

function actorKeys(a: Json | undefined, withMembers: boolean): string[] {
  if (!a) return [];
  const out: string[] = [];
  const k = agentKey(a);
  if (k) out.push(k);
  if (withMembers && Array.isArray(a.member)) for (const m of a.member) out.push(...actorKeys(m, false));
  return out;
}

export function indexOf(st: Json): Array<[string, string]> {
  const rows = new Set<string>();
  const add = (kind: string, value: string | undefined) => value !== undefined && rows.add(`${kind}\u0000${value}`);
  add(KIND.verb, st.verb.id);
  add(KIND.registration, st.context?.registration);
  const obj = st.object;
  const objIsAgent = obj.objectType === 'Agent' || obj.objectType === 'Group';
  // A Group whose members include the agent matches the agent filter too.
  for (const k of actorKeys(st.actor, true)) add(KIND.agent, k);
  if (objIsAgent) for (const k of actorKeys(obj, true)) add(KIND.agent, k);
  const related = (s: Json) => {
    for (const k of actorKeys(s.actor, true)) add(KIND.relatedAgent, k);
    if (s.object.objectType === 'Agent' || s.object.objectType === 'Group') for (const k of actorKeys(s.object, true)) add(KIND.relatedAgent, k);
    for (const k of actorKeys(s.context?.instructor, true)) add(KIND.relatedAgent, k);
    for (const k of actorKeys(s.context?.team, true)) add(KIND.relatedAgent, k);
    if (isActivity(s.object)) add(KIND.relatedActivity, s.object.id);
    for (const a of contextActivities(s.context)) add(KIND.relatedActivity, a.id);
  };
  related(st);
  for (const k of actorKeys(st.authority, true)) add(KIND.relatedAgent, k);
  if (obj.objectType === 'SubStatement') related(obj);
  if (isActivity(obj)) add(KIND.activity, obj.id);
  return [...rows].map((r) => r.split('\u0000') as [string, string]);
}

function activityRows(st: Json, overwrite: boolean): ActivityRow[] {
  const out: ActivityRow[] = [];
  const visit = (s: Json) => {
    for (const a of [s.object, ...contextActivities(s.context)]) {
      if (a && isActivity(a) && a.definition) out.push({ id: a.id, definition: JSON.stringify(a.definition), overwrite });
    }
  };
  visit(st);
  if (st.object.objectType === 'SubStatement') visit(st.object);
  return out;
}

/** Completes a validated statement and turns it into a storage row. */
/** The spec requires every contextActivities value to be returned as an array. */
function normaliseContext(st: Json): Json {
  const fix = (s: Json): Json => {
    const ca = s.context?.contextActivities;
    if (!ca) return s;
    const arrays = Object.fromEntries(Object.entries(ca as Json).map(([k, v]) => [k, asList(v)]));
    return { ...s, context: { ...s.context, contextActivities: arrays } };
  };
  const out = fix(st);
  return out.object?.objectType === 'SubStatement' ? { ...out, object: fix(out.object) } : out;
}

export function prepareStatement(
  input: Json,
  ctx: { key: KeyRow; homePage: string; now: number; inherited?: Array<[string, string]> },
): { row: StatementRow; activities: ActivityRow[]; statement: Json } {
  const received = normaliseContext(input);
  const id = received.id ?? randomUUID();
  const stored = new Date(ctx.now).toISOString();
  const hash = contentHash(received);
  const statement: Json = {
    ...received,
    id,
    timestamp: received.timestamp ?? stored,
    stored,
    authority: authorityFor(ctx.key, ctx.homePage),
    version: received.version ?? '1.0.0',
  };
  const isVoiding = statement.verb.id === VOIDED_VERB && statement.object.objectType === 'StatementRef';
  // UUIDs are case-insensitive: the store keys on the lower-case form, the JSON keeps the sender's.
  const row: StatementRow = {
    id: String(id).toLowerCase(),
    storedMs: ctx.now,
    json: JSON.stringify(statement),
    hash,
    voidTarget: isVoiding ? String(statement.object.id).toLowerCase() : undefined,
    index: mergeIndex(indexOf(statement), ctx.inherited ?? []),
  };
  const canDefine = ctx.key.scopes.includes('all') || ctx.key.scopes.includes('define');
  return { row, activities: activityRows(statement, canDefine), statement };
}

function mergeIndex(a: Array<[string, string]>, b: Array<[string, string]>): Array<[string, string]> {
  const seen = new Set(a.map(([k, v]) => `${k}\u0000${v}`));
  return [...a, ...b.filter(([k, v]) => !seen.has(`${k}\u0000${v}`))];
}

/**
 * Filter entries a statement inherits from the statement its StatementRef targets (and
 * that one's target, up to a few hops): per the spec, a statement targeting a statement
 * that matches a filter matches it too. `lookup` finds a target in the batch or the store.
 */
export async function inheritedIndex(st: Json, lookup: (id: string) => Promise<Json | undefined>, hops = 5): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  let cur = st;
  for (let i = 0; i < hops && cur.object?.objectType === 'StatementRef'; i++) {
    const target = await lookup(cur.object.id);
    if (!target) break;
    out.push(...indexOf(target));
    cur = target;
  }
  return mergeIndex([], out);
}

// ---- output formats -------------------------------------------------------

function idsActor(a: Json): Json {
  const out: Json = {};
  if (a.objectType) out.objectType = a.objectType;
  for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (a[k] !== undefined) out[k] = a[k];
  if (a.objectType === 'Group' && !agentKey(a) && Array.isArray(a.member)) out.member = a.member.map(idsActor);
  return out;
}

function idsObject(o: Json): Json {
  if (o.objectType === 'Agent' || o.objectType === 'Group') return idsActor(o);
  if (o.objectType === 'StatementRef') return o;
  if (o.objectType === 'SubStatement') return idsStatement(o);
  return { objectType: 'Activity', id: o.id };
}

function idsStatement(s: Json): Json {
  const out: Json = { ...s, actor: idsActor(s.actor), verb: { id: s.verb.id }, object: idsObject(s.object) };
  if (s.authority) out.authority = idsActor(s.authority);
  if (s.context) {
    const c: Json = { ...s.context };
    if (c.instructor) c.instructor = idsActor(c.instructor);
    if (c.team) c.team = idsActor(c.team);
    if (c.contextActivities) {
      c.contextActivities = Object.fromEntries(
        Object.entries(c.contextActivities as Json).map(([k, v]) => [k, asList<Json>(v).map((a) => ({ objectType: 'Activity', id: a.id }))]),
      );
    }
    out.context = c;
  }
  return out;
}

/** Parses Accept-Language into tags, best first. */
export function parseAcceptLanguage(h: string | undefined): string[] {
  if (!h) return [];
  return h
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)).find(Boolean);
      return { tag: (tag ?? '').trim().toLowerCase(), q: q ? Number(q[1]) : 1 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((x) => x.tag);
}

function pickLanguage(map: Json, langs: string[]): Json {
  const keys = Object.keys(map);
  if (keys.length <= 1) return map;
  for (const want of langs) {
    if (want === '*') break;
    const exact = keys.find((k) => k.toLowerCase() === want);
    if (exact) return { [exact]: map[exact] };
    const primary = keys.find((k) => k.toLowerCase().split('-')[0] === want.split('-')[0]);
    if (primary) return { [primary]: map[primary] };
  }
  const first = keys[0]!;
  return { [first]: map[first] };
}

const LANGUAGE_MAP_KEYS = new Set(['display', 'name', 'description']);

function canonicalise(v: unknown, langs: string[], key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => canonicalise(x, langs));
  if (v && typeof v === 'object') {
    if (LANGUAGE_MAP_KEYS.has(key) && Object.values(v).every((x) => typeof x === 'string')) return pickLanguage(v as Json, langs);
    if (key === 'extensions') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonicalise(x, langs, k)]));
  }
  return v;
}

export type Format = 'exact' | 'ids' | 'canonical';

/** Activity ids whose canonical definitions a `canonical` rendering of these statements needs. */
export function activityIdsIn(statements: Json[]): string[] {
  const ids = new Set<string>();
  const visit = (s: Json) => {
    for (const a of [s.object, ...contextActivities(s.context)]) if (a && isActivity(a) && typeof a.id === 'string') ids.add(a.id);
    if (s.object?.objectType === 'SubStatement') visit(s.object);
  };
  statements.forEach(visit);
  return [...ids];
}

/** Puts the LRS's canonical definition on every Activity (canonical format). */
function withCanonicalDefinitions(st: Json, defs: Map<string, Json>): Json {
  const fix = (a: Json) => (isActivity(a) && defs.has(a.id) ? { ...a, definition: defs.get(a.id) } : a);
  const visit = (s: Json): Json => {
    const out: Json = { ...s, object: s.object.objectType === 'SubStatement' ? visit(s.object) : fix(s.object) };
    const ca = s.context?.contextActivities;
    if (ca) {
      out.context = { ...s.context, contextActivities: Object.fromEntries(Object.entries(ca as Json).map(([k, v]) => [k, asList<Json>(v).map(fix)])) };
    }
    return out;
  };
  return visit(st);
}

export function renderStatement(json: string, format: Format, langs: string[], defs: Map<string, Json> = new Map()): Json {
  const st = JSON.parse(json);
  if (format === 'ids') return idsStatement(st);
  if (format === 'canonical') {
    // Language maps are narrowed to one language; agent `name` is a plain string and left alone.
    return canonicalise(withCanonicalDefinitions(st, defs), langs) as Json;
  }
  return st;
}
