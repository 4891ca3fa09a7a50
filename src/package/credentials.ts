// The build's check of the LRS key a scorm12 package would embed for its xAPI side
// channel (course.yaml lrs, or build --lrs-endpoint/--lrs-key). The key ships inside
// the zip, so anyone who unzips the package has it: it must be write-only and limited
// to this course's activity IRIs. How the build learns a key's limits:
// - the embedded LRS answers GET {endpoint}coursepack/key with the key's own scopes,
//   activity prefix and write-only flag;
// - any other LRS: the build tries GET {endpoint}statements?limit=1 with the key. If it
//   can read, it is refused; the prefix cannot be known, which is a warning.
// allowEmbeddedCredentials: true turns the refusals into one warning that says what the
// key lets anyone do. A key the LRS does not accept, or that cannot write statements,
// is always an error: the side channel would never work.
import type { Course } from '../course/types.ts';
import { problem, type Problem } from '../errors.ts';

export interface KeyInfo {
  scopes: string[];
  activityPrefix: string | null;
  writeOnly: boolean;
}

export interface CredentialCheckOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const FILE = 'course.yaml';

export function basicAuth(key: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${key}:${secret}`, 'utf8').toString('base64');
}

/** What a key with these limits lets anyone holding it do, for the warning. */
export function exposure(course: Course, info: KeyInfo | null, canRead: boolean): string[] {
  const out: string[] = [];
  const has = (s: string) => !!info && (info.scopes.includes('all') || info.scopes.includes(s));
  if (canRead) out.push("read every statement the key's LRS lets it read: the learning records (names, ids, answers, comments) of every learner, not only this course's");
  if (!info) out.push(`send statements to ${course.lrs!.endpoint} in any learner's name`);
  else if (info.activityPrefix === course.iri) out.push(`send statements about this course's activities (${course.iri}…) in any learner's name`);
  else if (info.activityPrefix) out.push(`send statements in any learner's name about any activity under ${info.activityPrefix}`);
  else out.push("send statements in any learner's name about any activity, including other courses'");
  if (info && !info.writeOnly && has('state')) out.push("read and change the saved state documents (other learners' progress) under the key's scope");
  if (info && has('define')) out.push('change activity and agent profiles');
  if (info?.scopes.includes('all')) out.push('void (hide) statements and use every other resource of the LRS');
  return out;
}

async function get(url: string, auth: string, o: CredentialCheckOptions): Promise<Response> {
  const f = o.fetch ?? fetch;
  return f(url, {
    headers: { Authorization: auth, 'X-Experience-API-Version': '1.0.3', Accept: 'application/json' },
    signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
  });
}

/**
 * Problems with the course's side-channel key: errors stop the build, warnings are printed.
 * Empty when the course configures no LRS.
 */
export async function checkEmbeddedCredentials(course: Course, o: CredentialCheckOptions = {}): Promise<Problem[]> {
  const lrs = course.lrs;
  if (!lrs) return [];
  const auth = basicAuth(lrs.key, lrs.secret);
  const where = { file: FILE, path: 'lrs' };
  const allow = lrs.allowEmbeddedCredentials;
  let info: KeyInfo | null = null;
  let canRead = false;
  try {
    const res = await get(`${lrs.endpoint}coursepack/key`, auth, o);
    if (res.status === 401 || res.status === 403) {
      return [
        problem('LRS_KEY_REFUSED', `the LRS at ${lrs.endpoint} does not accept key '${lrs.key}' (HTTP ${res.status})`, {
          ...where,
          hint: 'Check the key and secret (coursepack lrs key list), and that the key is not revoked.',
        }),
      ];
    }
    if (res.ok) {
      const body = (await res.json()) as Partial<KeyInfo>;
      info = { scopes: Array.isArray(body.scopes) ? body.scopes : [], activityPrefix: body.activityPrefix ?? null, writeOnly: !!body.writeOnly };
      canRead = !info.writeOnly && (info.scopes.includes('all') || info.scopes.includes('statements:read'));
      if (!info.scopes.includes('all') && !info.scopes.includes('statements:write')) {
        return [
          problem('LRS_KEY_CANNOT_WRITE', `key '${lrs.key}' may not write statements (scopes: ${info.scopes.join(', ')})`, {
            ...where,
            hint: `Create a key for the package: coursepack lrs key create --name "${course.id} package" --scope statements:write --activity-prefix ${course.iri} --write-only`,
          }),
        ];
      }
    } else {
      // Not the embedded LRS: find out by trying whether the key can read statements.
      const probe = await get(`${lrs.endpoint}statements?limit=1`, auth, o);
      if (probe.status === 401) {
        return [problem('LRS_KEY_REFUSED', `the LRS at ${lrs.endpoint} does not accept key '${lrs.key}' (HTTP 401)`, { ...where, hint: 'Check the key and secret.' })];
      }
      canRead = probe.ok;
    }
  } catch (e) {
    const p = problem('LRS_UNREACHABLE', `cannot reach the LRS at ${lrs.endpoint} to check key '${lrs.key}': ${(e as Error).message}`, {
      ...where,
      hint: 'The build asks the LRS what the key may do before embedding it. Start the LRS or correct lrs.endpoint; with allowEmbeddedCredentials: true the build goes on without checking.',
    });
    if (!allow) return [p];
    return [{ ...p, severity: 'warning' }, embeddedWarning(course, null, false)];
  }

  const refusals: Problem[] = [];
  if (canRead) {
    refusals.push(
      problem('LRS_KEY_CAN_READ', `key '${lrs.key}' can read statements; anyone who unzips the package could read every learner's records with it`, {
        ...where,
        hint: `Use a write-only key: coursepack lrs key create --name "${course.id} package" --scope statements:write --activity-prefix ${course.iri} --write-only`,
      }),
    );
  }
  if (info && info.activityPrefix !== course.iri) {
    refusals.push(
      problem(
        'LRS_KEY_NOT_SCOPED',
        info.activityPrefix
          ? `key '${lrs.key}' is limited to activities under ${info.activityPrefix}, not to this course's ${course.iri}`
          : `key '${lrs.key}' is not limited to this course's activity IRIs (${course.iri}…)`,
        {
          ...where,
          hint: `Create the key with --activity-prefix ${course.iri} (exactly the course iri: the course itself is a context activity of every statement).`,
        },
      ),
    );
  }
  const out: Problem[] = [];
  if (!info) {
    out.push(
      problem('LRS_KEY_SCOPE_UNKNOWN', `the LRS at ${lrs.endpoint} cannot say which activities key '${lrs.key}' may write about`, {
        ...where,
        severity: 'warning',
        hint: "Make sure the LRS limits the key to this course's activities; anyone who unzips the package can use it.",
      }),
    );
  }
  if (refusals.length && !allow) return [...refusals, ...out];
  if (allow && (refusals.length || !info)) out.push(embeddedWarning(course, info, canRead));
  return out;
}

function embeddedWarning(course: Course, info: KeyInfo | null, canRead: boolean): Problem {
  const can = exposure(course, info, canRead);
  return problem(
    'EMBEDDED_CREDENTIALS',
    `the scorm12 package embeds LRS key '${course.lrs!.key}' and its secret (in every module's index.html); anyone who unzips the package can: ${can.join('; ')}`,
    {
      file: FILE,
      path: 'lrs.allowEmbeddedCredentials',
      severity: 'warning',
      hint: 'Prefer a write-only key limited to this course (coursepack lrs key create --scope statements:write --activity-prefix <course iri> --write-only) and remove allowEmbeddedCredentials.',
    },
  );
}
