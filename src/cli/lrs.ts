// `coursepack lrs`: run the embedded LRS, and manage its keys. Argument parsing and
// printing only; the LRS itself is src/lrs/server.ts. Exit codes: 0 ok, 1 error, 2 bad usage.
import { parseArgs } from 'node:util';
import { CoursepackError, formatProblem } from '../errors.ts';
import { createLrs, openStorage } from '../lrs/server.ts';
import { createKey, SCOPES } from '../lrs/keys.ts';

const DEFAULT_DB = './.coursepack/lrs.sqlite';

const USAGE = `Usage:
  coursepack lrs [--db ${DEFAULT_DB} | --db postgres://…] [--host 127.0.0.1] [--port 8420] [--rate-limit 120000] [--quiet]
  coursepack lrs key create --name NAME --scope SCOPE [--scope SCOPE…] [--activity-prefix IRI] [--write-only] [--rate-limit N] [--db …] [--json]
  coursepack lrs key list [--db …] [--json]
  coursepack lrs key revoke KEY [--db …]

Scopes: ${SCOPES.join(', ')}
  --activity-prefix  the key may only write statements (and state/profiles) for activities under this IRI
  --write-only       the key can never read statements or documents (safe to put inside a package)
  --rate-limit       requests per minute for this key (default: the server's)
The database may also be given as COURSEPACK_LRS_DB.`;

export async function runLrs(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'key') return await runKey(argv.slice(1));
    return await runServer(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`coursepack lrs: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof CoursepackError) {
      for (const p of e.problems) console.error(formatProblem(p));
      return 1;
    }
    console.error(`coursepack lrs: ${(e as Error).message}`);
    return 1;
  }
}

class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function parse(argv: string[], options: Options): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | string[] | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function intOption(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
}

async function runServer(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    db: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'rate-limit': { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const db = (values.db as string | undefined) ?? process.env.COURSEPACK_LRS_DB ?? DEFAULT_DB;
  const quiet = !!values.quiet;
  // Listen for the stop signal before anything is printed, so a supervisor that stops us
  // as soon as it reads the endpoint still gets a clean shutdown.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const lrs = await createLrs({
    db,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: intOption(values.port, 'port') ?? 8420,
    rateLimit: intOption(values['rate-limit'], 'rate-limit'),
    logger: quiet ? undefined : (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  });
  // One write, so a supervisor reading stdout sees the endpoint and the admin key together.
  const banner = [`coursepack LRS (xAPI 1.0.3) on ${lrs.storage.kind === 'sqlite' ? db : 'PostgreSQL'}`, `endpoint: ${lrs.endpoint}`];
  if (lrs.adminKey) {
    banner.push('admin key (shown once, stored hashed; keep it safe):', `  key:    ${lrs.adminKey.key}`, `  secret: ${lrs.adminKey.secret}`);
  }
  console.log(banner.join('\n'));
  await stopped;
  await lrs.close();
  return 0;
}

async function runKey(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    db: { type: 'string' },
    name: { type: 'string' },
    scope: { type: 'string', multiple: true },
    'activity-prefix': { type: 'string' },
    'write-only': { type: 'boolean' },
    'rate-limit': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help || sub === undefined) {
    console.log(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const db = (values.db as string | undefined) ?? process.env.COURSEPACK_LRS_DB ?? DEFAULT_DB;
  const json = !!values.json;
  if (sub === 'create') {
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const name = values.name as string | undefined;
    const scopes = ((values.scope as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
    if (!name) throw new UsageError('key create needs --name');
    if (scopes.length === 0) throw new UsageError('key create needs at least one --scope');
    const prefix = values['activity-prefix'] as string | undefined;
    if (prefix !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(prefix)) throw new UsageError('--activity-prefix must be an absolute IRI');
    const storage = await openStorage(db);
    try {
      const k = await createKey(storage, { name, scopes, activityPrefix: prefix, writeOnly: !!values['write-only'], rateLimit: intOption(values['rate-limit'], 'rate-limit') });
      if (json) console.log(JSON.stringify({ ...publicKey(k.row), secret: k.secret }));
      else {
        console.log(`created key ${k.key} (${name}); the secret is shown once:`);
        console.log(`  key:    ${k.key}`);
        console.log(`  secret: ${k.secret}`);
        console.log(`  basic:  ${Buffer.from(`${k.key}:${k.secret}`).toString('base64')}`);
      }
    } finally {
      await storage.close();
    }
    return 0;
  }
  if (sub === 'list') {
    const storage = await openStorage(db);
    try {
      const keys = (await storage.listKeys()).map(publicKey);
      if (json) console.log(JSON.stringify(keys, null, 2));
      else {
        for (const k of keys) {
          const flags = [k.scopes.join(','), k.activityPrefix ? `prefix ${k.activityPrefix}` : '', k.writeOnly ? 'write-only' : '', k.revoked ? `REVOKED ${k.revoked}` : '']
            .filter(Boolean)
            .join('  ');
          console.log(`${k.key}  ${k.name}  ${flags}`);
        }
        if (keys.length === 0) console.log('no keys');
      }
    } finally {
      await storage.close();
    }
    return 0;
  }
  if (sub === 'revoke') {
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError('key revoke needs exactly one key');
    const storage = await openStorage(db);
    try {
      if (!(await storage.revokeKey(id, Date.now()))) {
        console.error(`coursepack lrs: no active key ${id}`);
        return 1;
      }
      console.log(`revoked ${id} (running LRS processes stop accepting it within 5 seconds)`);
    } finally {
      await storage.close();
    }
    return 0;
  }
  throw new UsageError(`unknown key command ${sub}`);
}

function publicKey(k: { id: string; name: string; scopes: string[]; activityPrefix: string | null; writeOnly: boolean; createdMs: number; revokedMs: number | null; rateLimit: number | null }) {
  return {
    key: k.id,
    name: k.name,
    scopes: k.scopes,
    activityPrefix: k.activityPrefix,
    writeOnly: k.writeOnly,
    rateLimit: k.rateLimit,
    created: new Date(k.createdMs).toISOString(),
    revoked: k.revokedMs === null ? null : new Date(k.revokedMs).toISOString(),
  };
}
