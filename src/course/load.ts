// Stage 1 of the pipeline: read a course folder (course.yaml + one folder per
// module) into the typed Course that every later stage consumes. All source
// validation happens here — YAML syntax, JSON Schema, path safety, references —
// and every problem is collected before failing, each at its file:line:column.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CoursepackError, problem, type Problem } from '../errors.ts';
import type { Course } from './types.ts';
import { locate } from './yaml.ts';
import { resolveInsideSync, reasonText } from './paths.ts';
import { readYamlFile, type LoadContext } from './files.ts';
import { loadModule } from './module.ts';
import { asString, asArray, asBool, asObject } from './values.ts';

/** Default base IRI for xAPI activity ids when course.yaml has no `iri`. */
export const DEFAULT_IRI_BASE = 'https://coursepack.example/courses/';

export async function loadCourse(dir: string): Promise<{ course: Course; warnings: Problem[] }> {
  const root = path.resolve(dir);
  let rootReal: string;
  try {
    rootReal = await realpath(root);
    if (!(await stat(rootReal)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new CoursepackError(
      problem('COURSE_NOT_FOUND', `course folder '${dir}' does not exist`, {
        hint: 'Pass the folder that contains course.yaml, e.g. coursepack build course.',
      }),
    );
  }
  const ctx: LoadContext = { root, rootReal, problems: [] };

  const src = await readYamlFile(ctx, 'course.yaml', 'course', { required: true });
  if (!src) {
    throw new CoursepackError(finish(ctx.problems));
  }
  const data = asObject(src.data);
  const id = asString(data.id);
  const fb = asObject(data.feedback);
  const course: Course = {
    dir: root,
    id,
    iri: asString(data.iri) || DEFAULT_IRI_BASE + id,
    title: asString(data.title),
    version: asString(data.version),
    language: asString(data.language),
    description: asString(data.description),
    authors: asArray(data.authors).map((a) => {
      const o = asObject(a);
      return o.email === undefined ? { name: asString(o.name) } : { name: asString(o.name), email: asString(o.email) };
    }),
    organisation: asString(data.organisation),
    completion: data.completion === 'all-pages' ? 'all-pages' : 'all-required-pages',
    feedback: {
      ...(typeof fb.email === 'string' ? { email: fb.email } : {}),
      ...(typeof fb.subject === 'string' ? { subject: fb.subject } : {}),
      rating: asBool(fb.rating, false),
      scormComments: asBool(fb.scormComments, false),
      xapi: asBool(fb.xapi, false),
      ...webhook(asObject(fb.webhook)),
    },
    modules: [],
  };
  if (typeof data.passMark === 'number') course.passMark = data.passMark;
  const lrs = asObject(data.lrs);
  if (typeof lrs.endpoint === 'string' && typeof lrs.key === 'string' && typeof lrs.secret === 'string') {
    course.lrs = {
      endpoint: lrs.endpoint,
      key: lrs.key,
      secret: lrs.secret,
      ...(typeof lrs.homePage === 'string' ? { homePage: lrs.homePage } : {}),
      allowEmbeddedCredentials: asBool(lrs.allowEmbeddedCredentials, false),
    };
  }

  const folders = asArray(data.modules);
  const seenModuleIds = new Map<string, number>();
  const seenFolders = new Set<string>();
  for (let i = 0; i < folders.length; i++) {
    const folder = folders[i];
    if (typeof folder !== 'string' || !folder) continue;
    const at = locate(src, ['modules', i]);
    if (seenFolders.has(folder)) {
      ctx.problems.push(
        problem('COURSE_DUPLICATE_ID', `module folder '${folder}' is listed twice`, {
          file: src.file, ...lc(at), path: `modules[${i}]`, hint: 'List each module folder once.',
        }),
      );
      continue;
    }
    seenFolders.add(folder);
    const resolved = resolveInsideSync(rootReal, root, folder);
    if (!resolved.ok) {
      const { message, hint } = reasonText(resolved.reason, folder);
      ctx.problems.push(
        problem(resolved.reason === 'missing' ? 'COURSE_MISSING_FILE' : 'COURSE_PATH_ESCAPE', message, {
          file: src.file, ...lc(at), path: `modules[${i}]`,
          hint: resolved.reason === 'missing' ? 'Create the module folder beside course.yaml, or correct its name here.' : hint,
        }),
      );
      continue;
    }
    if (!resolved.isDir) {
      ctx.problems.push(
        problem('COURSE_MISSING_FILE', `'${folder}' is not a folder`, {
          file: src.file, ...lc(at), path: `modules[${i}]`, hint: 'modules lists module folders, each holding a module.yaml.',
        }),
      );
      continue;
    }
    const loaded = await loadModule(ctx, folder);
    if (!loaded) continue;
    const mod = loaded.module;
    const prev = seenModuleIds.get(mod.id);
    if (mod.id && prev !== undefined) {
      ctx.problems.push(
        problem('COURSE_DUPLICATE_ID', `module id '${mod.id}' is also used by module folder '${folders[prev]}'`, {
          ...loaded.idAt, hint: 'Give every module its own id.',
        }),
      );
    } else seenModuleIds.set(mod.id, i);
    course.modules.push(mod);
  }

  // A pass mark nobody can reach: the LMS would wait for a score that never comes.
  const scored = course.modules.some((m) => m.activities.some((a) => a.kind === 'quiz' && a.scored && a.questions.length));
  if (course.passMark !== undefined && !scored && course.modules.length && !ctx.problems.some((p) => p.severity === 'error')) {
    ctx.problems.push(
      problem('COURSE_PASS_MARK', 'passMark is set but no module has a scored quiz', {
        file: src.file, ...lc(locate(src, ['passMark'])), path: 'passMark',
        hint: 'Remove passMark (the course is then tracked as completed/incomplete only), or add a quiz with scored: true.',
      }),
    );
  }

  const all = finish(ctx.problems);
  if (all.some((p) => p.severity === 'error')) throw new CoursepackError(all);
  return { course, warnings: all };
}

function webhook(w: Record<string, unknown>): { webhook?: { url: string; secret?: string } } {
  if (typeof w.url !== 'string') return {};
  return { webhook: { url: w.url, ...(typeof w.secret === 'string' ? { secret: w.secret } : {}) } };
}

function lc(p: { line: number; column: number }): { line: number; column: number } {
  return { line: p.line, column: p.column };
}

// course.yaml first, then the module files in path order.
const fileKey = (f: string | undefined) => (f === 'course.yaml' ? '' : (f ?? ''));

/** Sorted by file, then position, so output is stable and reads top to bottom. */
function finish(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        fileKey(a.p.file).localeCompare(fileKey(b.p.file)) ||
        (a.p.line ?? 0) - (b.p.line ?? 0) ||
        (a.p.column ?? 0) - (b.p.column ?? 0) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}
