// Reading source files of a course: every read goes through the path-safety check
// and reports a missing or escaping file at the place that named it.
import { readFileSync } from 'node:fs';
import { problem, type Problem } from '../errors.ts';
import { parseYaml, type SourceYaml } from './yaml.ts';
import { validateSchema, type SchemaKind } from './schema.ts';
import { resolveInsideSync, reasonText, toPosix } from './paths.ts';

/** Shared state while loading one course. */
export interface LoadContext {
  /** Absolute course folder as given. */
  root: string;
  /** Real path of the course folder (symlinks resolved), the boundary for all files. */
  rootReal: string;
  problems: Problem[];
}


export interface ListedAt {
  file: string;
  line?: number;
  column?: number;
  path?: string;
}

/**
 * Read, parse and schema-check one YAML file (path relative to the course folder).
 * Returns undefined when it is absent (and optional) or cannot be parsed.
 */
export async function readYamlFile(
  ctx: LoadContext,
  rel: string,
  kind: SchemaKind,
  opts: { required: boolean; listedAt?: ListedAt },
): Promise<SourceYaml | undefined> {
  const text = readSourceFile(ctx, rel, opts);
  if (text === undefined) return undefined;
  const { source, problems } = parseYaml(text, rel);
  ctx.problems.push(...problems);
  if (source.data === undefined && problems.some((p) => p.severity === 'error')) return undefined;
  ctx.problems.push(...validateSchema(kind, source));
  return source;
}

/**
 * Read a text file inside the course folder, reporting missing files and escapes.
 * Synchronous like resolveInsideSync, and for the same reason: many small files.
 */
export function readSourceFile(
  ctx: LoadContext,
  rel: string,
  opts: { required: boolean; listedAt?: ListedAt },
): string | undefined {
  const r = resolveInsideSync(ctx.rootReal, ctx.root, rel);
  const where = opts.listedAt ?? { file: rel };
  if (!r.ok) {
    if (r.reason === 'missing' && !opts.required) return undefined;
    const { message, hint } = reasonText(r.reason, toPosix(rel));
    ctx.problems.push(
      problem(
        r.reason === 'missing' ? (rel === 'course.yaml' ? 'COURSE_NOT_FOUND' : 'COURSE_MISSING_FILE') : 'COURSE_PATH_ESCAPE',
        message,
        { ...where, hint },
      ),
    );
    return undefined;
  }
  if (r.isDir) {
    ctx.problems.push(problem('COURSE_MISSING_FILE', `'${rel}' is a folder, not a file`, { ...where, hint: 'Name the file itself, e.g. pages/01-intro.md.' }));
    return undefined;
  }
  return readFileSync(r.real, 'utf8').replace(/^\uFEFF/, '');
}
