// Shared printing for the CLI commands: problems in the `file:line:col  CODE  message`
// shape (TypeScript/ESLint style), sizes, and usage errors.
import { CoursepackError, formatProblem, type Problem } from '../errors.ts';

export class UsageError extends Error {}

export function printProblems(problems: Problem[], stream: NodeJS.WritableStream = process.stderr): void {
  for (const p of problems) stream.write(formatProblem(p) + '\n');
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length) stream.write(`\n${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** Turns anything thrown into problems; unexpected exceptions become INTERNAL. */
export function problemsOf(err: unknown): Problem[] {
  if (err instanceof CoursepackError) return err.problems;
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') {
    return [{ code: 'NOT_FOUND', severity: 'error', message: e.message, file: e.path, hint: 'Check the path.' }];
  }
  return [
    {
      code: 'INTERNAL',
      severity: 'error',
      message: e?.stack ?? String(err),
      hint: 'This is a bug in coursepack; please report it with the course that triggers it.',
    },
  ];
}
