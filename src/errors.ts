// The one error type. Every problem coursepack reports — in a course source, a
// manifest, a package or an LRS request — is a Problem with a stable code; a
// failing stage throws a CoursepackError carrying all the problems it found.
export type Severity = 'error' | 'warning';

export interface Problem {
  /** Stable, documented code, e.g. COURSE_SCHEMA, MANIFEST_XSD, PKG_MISSING_FILE. */
  code: string;
  severity: Severity;
  message: string;
  /** File the problem is in, relative to the course folder or package root. */
  file?: string;
  line?: number;
  column?: number;
  /** Field path inside the file, e.g. `passMark` or `questions[2].choices`. */
  path?: string;
  /** What to do about it. */
  hint?: string;
}

export class CoursepackError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[] | Problem) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'CoursepackError';
    this.problems = list;
  }
  get code(): string {
    return this.problems[0]?.code ?? 'UNKNOWN';
  }
}

export function problem(code: string, message: string, extra: Partial<Problem> = {}): Problem {
  return { code, severity: 'error', message, ...extra };
}

/** `file:line:col  CODE  path: message` — the TypeScript/ESLint shape. */
export function formatProblem(p: Problem): string {
  let where = p.file ?? '';
  if (p.file && p.line) where += `:${p.line}` + (p.column ? `:${p.column}` : '');
  const head = [where, p.severity === 'warning' ? `warning ${p.code}` : p.code].filter(Boolean).join('  ');
  const field = p.path ? `${p.path}: ` : '';
  return `${head}  ${field}${p.message}` + (p.hint ? `\n    hint: ${p.hint}` : '');
}

export function throwIfErrors(problems: Problem[]): void {
  if (problems.some((p) => p.severity === 'error')) throw new CoursepackError(problems);
}
