// Public API of the report stage: statements (file or LRS) → one aggregation pass →
// Report → index.html, CSV per table and summary.json. Used by `coursepack report`.
import { createAggregator, type AggregateOptions } from './aggregate.ts';
import { readStatementsFile, readStatementsLrs, type Json, type LrsSourceOptions, type Progress } from './source.ts';
import type { CourseOutline, Report } from './types.ts';
import type { Course } from '../course/types.ts';

export type { Report, CourseOutline } from './types.ts';
export { writeReport } from './write.ts';
export { renderHtml } from './html.ts';

export type StatementSource = { from: string } | { lrs: Omit<LrsSourceOptions, 'activity' | 'since'> };

export interface BuildReportOptions extends Omit<AggregateOptions, 'voided'> {
  source: StatementSource;
  onProgress?: (p: Progress & { pass: number }) => void;
}

function open(o: BuildReportOptions, pass: number): AsyncIterable<Json> {
  const progress = o.onProgress && ((p: Progress) => o.onProgress!({ ...p, pass }));
  if ('from' in o.source) return readStatementsFile(o.source.from, progress);
  // Only `since` is passed to the LRS: it filters on stored time, which is never before a
  // statement's timestamp, so it cannot drop a statement the timestamp filter keeps.
  return readStatementsLrs({ ...o.source.lrs, activity: o.course, since: o.since?.toISOString() }, progress);
}

/**
 * One streaming pass. If a voiding statement came after a statement it voids (possible in
 * an export file; a conformant LRS never returns voided statements), the pass is run again
 * with the voided ids known from the start: the figures then never include it.
 */
export async function buildReport(o: BuildReportOptions): Promise<Report> {
  let voided: string[] = [];
  for (let pass = 1; ; pass++) {
    const agg = createAggregator({ ...o, voided });
    for await (const s of open(o, pass)) agg.add(s);
    if (!agg.needsSecondPass || pass > 1) return agg.finish();
    voided = agg.voidedIds();
  }
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
