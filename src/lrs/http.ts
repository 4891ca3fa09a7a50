// Small HTTP helpers shared by the LRS routes: one error type that becomes a 4xx with
// the Problem objects in the body, and parsing of the JSON-valued query parameters.
import { problem, type Problem } from '../errors.ts';
import { agentKey } from './statements.ts';
import { validateActor } from './validate.ts';

export class LrsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly problems: Problem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
  }
}

export function httpError(status: number, code: string, message: string, extra: Partial<Problem> = {}): LrsHttpError {
  return new LrsHttpError(status, [problem(code, message, extra)]);
}

export function errorBody(e: LrsHttpError): object {
  return { error: e.message, code: e.problems[0]?.code ?? 'LRS_ERROR', problems: e.problems };
}

/** Parses a JSON body; anything but well-formed UTF-8 JSON is a 400. */
export function parseJsonBody(body: unknown, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw httpError(400, 'LRS_CONTENT_TYPE', `Content-Type must be application/json, got ${type || 'none'}`);
  }
  return parseJsonBytes(Buffer.isBuffer(body) ? body : Buffer.alloc(0));
}

export function parseJsonBytes(buf: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw httpError(400, 'LRS_BAD_JSON', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw httpError(400, 'LRS_BAD_JSON', `the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** The `agent` query parameter: a JSON Agent or identified Group. Returns its identity key. */
export function agentParam(raw: unknown, name = 'agent'): { key: string; agent: Record<string, any> } {
  if (typeof raw !== 'string') throw httpError(400, 'LRS_PARAM', `${name} is required`, { path: name });
  let agent: unknown;
  try {
    agent = JSON.parse(raw);
  } catch {
    throw httpError(400, 'LRS_PARAM', `${name} must be a JSON Agent object`, { path: name });
  }
  const problems = validateActor(agent, name);
  if (problems.length > 0) throw new LrsHttpError(400, problems);
  const key = agentKey(agent as Record<string, any>);
  if (!key) throw httpError(400, 'LRS_PARAM', `${name} must have an identifier (mbox, mbox_sha1sum, openid or account)`, { path: name });
  return { key, agent: agent as Record<string, any> };
}

export function single(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw httpError(400, 'LRS_PARAM', `${name} must be given once`, { path: name });
  return v;
}
