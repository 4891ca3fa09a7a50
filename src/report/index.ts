// Public API of the report stage: statements (file or LRS) → one aggregation pass →
// Report → index.html, CSV per table and summary.json. Used by `coursepack report`.
import { createAggregator, type AggregateOptions } from './aggregate.ts';
import { readRegistrationsFile, readStatementsFile, readStatementsLrs, type Json, type LrsSourceOptions, type Progress } from './source.ts';
import type { CourseOutline, Report } from './types.ts';
import type { Course } from '../course/types.ts';

export type { Report, CourseOutline } from './types.ts';
export { writeReport } from './write.ts';
export { renderHtml } from './html.ts';
export { createLiveReport, type LiveReport } from './live.ts';

export type StatementSource = { from: string } | { lrs: Omit<LrsSourceOptions, 'activity' | 'since'> };

export interface BuildReportOptions extends AggregateOptions {
  source: StatementSource;
  onProgress?: (p: Progress & { pass: number }) => void;
}

function open(o: BuildReportOptions, pass: number, registrations?: string[]): AsyncIterable<Json[]> {
  const progress = o.onProgress && ((p: Progress) => o.onProgress!({ ...p, pass }));
  if ('from' in o.source) {
    return registrations ? readRegistrationsFile(o.source.from, new Set(registrations), progress) : readStatementsFile(o.source.from, progress);
  }
  // Only `since` is passed to the LRS: it filters on stored time, which is never before a
  // statement's timestamp, so it cannot drop a statement the timestamp filter keeps.
  return readStatementsLrs({ ...o.source.lrs, activity: o.course, since: o.since?.toISOString() }, progress);
}

/**
 * One streaming pass. If a voiding statement came after a statement it voids (possible in
 * an export file; a conformant LRS never returns voided statements), only the attempts it
 * spoilt are rebuilt from a second read, in which a file reader parses only the lines that
 * name one of their registrations.
 */
export async function buildReport(o: BuildReportOptions): Promise<Report> {
  const agg = createAggregator(o);
  for await (const batch of open(o, 1)) for (const s of batch) agg.add(s);
  const spoilt = agg.spoilt();
  if (spoilt.length) {
    agg.rebuild();
    // Registrations are UUIDs; an attempt without one is keyed by its learner and needs every line.
    const regs = spoilt.some((r) => r.startsWith('no-registration:')) ? undefined : spoilt;
    for await (const batch of open(o, 2, regs)) for (const s of batch) agg.add(s);
  }
  return agg.finish();
}

/** What the report needs from a course folder: IRI, page order, quiz questions. */
export function outlineOf(c: Course): CourseOutline {
  return {
    iri: c.iri,
    title: c.title,
    modules: c.modules.map((m) => ({
      id: m.id,
      title: m.title,
      pages: m.pages.map((p) => ({ id: p.id, title: p.title })),
      quizzes: m.activities.flatMap((a) => (a.kind === 'quiz' ? [{ id: a.id, title: a.title, questions: a.questions.map((q) => ({ id: q.id, prompt: q.prompt })) }] : [])),
    })),
  };
}
