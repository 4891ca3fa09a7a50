// The statements the preview's embedded LRS has stored, in the order it stored them,
// each with a verdict against the coursepack profile (schemas/statement.schema.json).
// It reads the LRS over its own xAPI API (GET /statements with since/more, the admin
// key), as any reporting tool would, so the panel shows what really got stored.
// Polling happens only when the page asks, and concurrent asks share one read.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import type { Lrs } from '../lrs/server.ts';

export interface FeedEntry {
  /** 1, 2, … in stored order, for the page to ask "after N". */
  seq: number;
  id: string;
  stored: string;
  registration: string;
  verb: string;
  object: string;
  result: string;
  valid: boolean;
  /** Why the statement is not valid under the profile (empty when valid). */
  errors: string[];
  /** The statement as the AU sent it (without stored, authority, version). */
  statement: Record<string, unknown>;
}

const schema = JSON.parse(readFileSync(new URL('../../schemas/statement.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
const checkProfile = ajv.compile(schema);
const MAX_REASONS = 6;

function reason(e: ErrorObject): string {
  const where = e.instancePath || '(statement)';
  const extra =
    e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
    : e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.slice(0, 3).join(', ')}…`
    : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

/** The statement without what the LRS adds when storing it. */
export function asSent(st: Record<string, unknown>): Record<string, unknown> {
  const { stored: _s, authority: _a, version: _v, ...rest } = st;
  return rest;
}

/** Valid under the coursepack xAPI profile, or the reasons why not (at most six, deduplicated). */
export function statementVerdict(sent: unknown): { valid: boolean; errors: string[] } {
  if (checkProfile(sent)) return { valid: true, errors: [] };
  const errors = [...new Set((checkProfile.errors ?? []).map(reason))].slice(0, MAX_REASONS);
  return { valid: false, errors };
}

const first = (m: unknown): string => (m && typeof m === 'object' ? String(Object.values(m as Record<string, string>)[0] ?? '') : '');

function summary(st: Record<string, any>): Pick<FeedEntry, 'verb' | 'object' | 'result'> {
  const verbId = String(st.verb?.id ?? '');
  const verb = first(st.verb?.display) || verbId.split('/').pop() || verbId;
  const obj = st.object ?? {};
  const name = first(obj.definition?.name);
  const object = name ? `${name} <${obj.id}>` : String(obj.id ?? obj.objectType ?? '');
  const r = st.result;
  const parts: string[] = [];
  if (r && typeof r === 'object') {
    if (r.score) parts.push(`score ${r.score.raw ?? '?'}${r.score.max !== undefined ? `/${r.score.max}` : ''}${r.score.scaled !== undefined ? ` (${r.score.scaled})` : ''}`);
    if (r.success !== undefined) parts.push(r.success ? 'success' : 'no success');
    if (r.completion !== undefined) parts.push(r.completion ? 'completion' : 'no completion');
    if (r.response !== undefined) parts.push(`response ${JSON.stringify(r.response)}`);
    const progress = r.extensions?.['https://w3id.org/xapi/cmi5/result/extensions/progress'];
    if (progress !== undefined) parts.push(`progress ${progress}%`);
    if (r.duration) parts.push(String(r.duration));
  }
  return { verb, object, result: parts.join(', ') };
}

export interface StatementFeed {
  /** Reads what the LRS stored since the last read, then returns every entry after `seq`. */
  after(seq: number): Promise<FeedEntry[]>;
}

export function createStatementFeed(lrs: Pick<Lrs, 'url' | 'endpoint' | 'adminKey'>): StatementFeed {
  const admin = `Basic ${Buffer.from(`${lrs.adminKey!.key}:${lrs.adminKey!.secret}`).toString('base64')}`;
  const entries: FeedEntry[] = [];
  const seen = new Set<string>();
  let lastStored = 0;
  let reading: Promise<void> | undefined;

  async function read(): Promise<void> {
    // `since` is exclusive and stored times are only millisecond-precise: look back a
    // second and drop what was already seen, so nothing stored in the same ms is missed.
    const since = lastStored ? `&since=${encodeURIComponent(new Date(lastStored - 1000).toISOString())}` : '';
    let next: string | null = `${lrs.endpoint}statements?ascending=true&format=exact&limit=500${since}`;
    while (next) {
      const res: Response = await fetch(next, { headers: { Authorization: admin, 'X-Experience-API-Version': '1.0.3' } });
      if (!res.ok) throw new Error(`GET statements: ${res.status}`);
      const body = (await res.json()) as { statements: Record<string, any>[]; more?: string };
      for (const st of body.statements) {
        if (seen.has(st.id)) continue;
        seen.add(st.id);
        lastStored = Math.max(lastStored, Date.parse(st.stored));
        const sent = asSent(st);
        entries.push({
          seq: entries.length + 1,
          id: st.id,
          stored: st.stored,
          registration: st.context?.registration ?? '',
          ...summary(st),
          ...statementVerdict(sent),
          statement: sent,
        });
      }
      next = body.more ? new URL(body.more, lrs.url).toString() : null;
    }
  }

  return {
    async after(seq) {
      reading ??= read().finally(() => (reading = undefined));
      await reading;
      return entries.slice(Math.max(0, seq));
    },
  };
}
