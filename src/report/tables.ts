// The report's tables, defined once: the HTML shows each with formatted cells and the
// CSV files hold the same rows with raw values (ms, fractions), so both always agree.
import { dur, num, percent } from './format.ts';
import type { Report } from './types.ts';

export interface Column<R> {
  label: string;
  value: (r: R) => string | number | null;
  show?: (v: string | number | null, row: R) => string;
  numeric?: boolean;
}

export interface Table<R = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  /** File name stem of the CSV and the HTML id. */
  id: string;
  caption: string;
  columns: Column<R>[];
  rows: R[];
}

const pctCol = (v: string | number | null) => percent(v as number | null);
const durCol = (v: string | number | null) => dur(v as number | null);
const oneDec = (v: string | number | null) => num(v as number | null);

export function tablesOf(r: Report): Table[] {
  const o = r.overview;
  type OvRow = [string, number | null, (v: number | null) => string];
  // The overview mixes counts, rates and times: each row carries its own formatter; the CSV keeps raw values (ms, 0–1).
  const overview: Table<OvRow> = {
    id: 'overview',
    caption: 'Overview',
    columns: [
      { label: 'Figure', value: (x) => x[0], show: (v) => String(v).replace(/ \(ms\)$/, '') },
      { label: 'Value', value: (x) => x[1], show: (v, x) => (v === null ? '–' : x[2](v as number)), numeric: true },
    ],
    rows: [
      ['Learners', o.learners, String],
      ['Attempts (registrations)', o.attempts, String],
      ['Completed attempts', o.completedAttempts, String],
      ['Completion rate', o.completionRate, (v) => percent(v)],
      ['Attempts passed', o.passedAttempts, String],
      ['Attempts passed or failed', o.judgedAttempts, String],
      ['Pass rate (of attempts passed or failed)', o.passRate, (v) => percent(v)],
      ['Median time to complete (ms)', o.medianTimeToCompleteMs, dur],
      ['90th percentile time to complete (ms)', o.p90TimeToCompleteMs, dur],
      ['Mean score (%)', o.meanScore, (v) => num(v)],
    ],
  };

  return [
    overview as Table,
    {
      id: 'activity-by-day',
      caption: 'Attempts started and completed per day (UTC)',
      columns: [
        { label: 'Day', value: (x: Report['overview']['byDay'][number]) => x.day },
        { label: 'Attempts started', value: (x) => x.attempts, numeric: true },
        { label: 'Attempts completed', value: (x) => x.completions, numeric: true },
      ],
      rows: o.byDay,
    } as Table,
    {
      id: 'drop-off',
      caption: 'Drop-off: learners reaching each page, in course order',
      columns: [
        { label: 'Page', value: (x: Report['funnel'][number]) => x.title },
        { label: 'Page id', value: (x) => x.page },
        { label: 'Learners', value: (x) => x.learners, numeric: true },
        { label: 'Of first page', value: (x) => x.share, show: pctCol, numeric: true },
        { label: 'Median time on page', value: (x) => x.medianTimeMs, show: durCol, numeric: true },
      ],
      rows: r.funnel,
    } as Table,
    {
      id: 'questions',
      caption: 'Question analysis (finished quiz attempts)',
      columns: [
        { label: 'Question', value: (x: Report['questions'][number]) => x.title },
        { label: 'Question id', value: (x) => x.id },
        { label: 'Type', value: (x) => x.interactionType },
        { label: 'Attempts', value: (x) => x.attempts, numeric: true },
        { label: 'Answers sent', value: (x) => x.answers, numeric: true },
        { label: 'Facility index (%)', value: (x) => x.facility, show: oneDec, numeric: true },
        { label: 'Discrimination index (%)', value: (x) => x.discrimination, show: oneDec, numeric: true },
        { label: 'Flags', value: (x) => x.flags.join('; ') },
      ],
      rows: r.questions,
    } as Table,
    {
      id: 'answers',
      caption: 'Answer frequencies (last answer of each attempt) against the correct response',
      columns: [
        { label: 'Question', value: (x: { q: string; a: Report['questions'][number]['responses'][number] }) => x.q },
        { label: 'Answer', value: (x) => x.a.label },
        { label: 'Response', value: (x) => x.a.response },
        { label: 'Correct', value: (x) => (x.a.correct ? 'yes' : 'no') },
        { label: 'Count', value: (x) => x.a.count, numeric: true },
      ],
      rows: r.questions.flatMap((q) => q.responses.map((a) => ({ q: q.title, a }))),
    } as Table,
    {
      id: 'ratings',
      caption: 'Feedback ratings',
      columns: [
        { label: 'Rating', value: (x: [number, number]) => x[0], numeric: true },
        { label: 'Learners', value: (x) => x[1], numeric: true },
      ],
      rows: r.feedback.ratings.map((c, i) => [i + 1, c]),
    } as Table,
    {
      id: 'comments',
      caption: 'Feedback comments',
      columns: [
        { label: 'Date', value: (x: Report['feedback']['comments'][number]) => x.at.slice(0, 10) },
        { label: 'Rating', value: (x) => x.rating, show: (v) => (v === null ? '–' : String(v)), numeric: true },
        { label: 'Module', value: (x) => x.module },
        { label: 'Learner', value: (x) => x.learner },
        { label: 'Comment', value: (x) => x.text },
      ],
      rows: r.feedback.comments,
    } as Table,
    {
      id: 'glossary',
      caption: 'Glossary look-ups',
      columns: [
        { label: 'Term', value: (x: Report['feedback']['glossary'][number]) => x.term },
        { label: 'Views', value: (x) => x.views, numeric: true },
      ],
      rows: r.feedback.glossary,
    } as Table,
    {
      id: 'reflections',
      caption: 'Reflections saved',
      columns: [
        { label: 'Reflection', value: (x: Report['feedback']['reflections'][number]) => x.title },
        { label: 'Responses', value: (x) => x.responses, numeric: true },
      ],
      rows: r.feedback.reflections,
    } as Table,
    {
      id: 'learners',
      caption: r.filters.pseudonymised ? 'Learners (pseudonymised)' : 'Learners',
      columns: [
        { label: 'Learner', value: (x: Report['learners'][number]) => x.learner },
        { label: 'Status', value: (x) => x.status },
        { label: 'Best score (%)', value: (x) => x.score, show: oneDec, numeric: true },
        { label: 'Time on pages', value: (x) => x.timeMs, show: durCol, numeric: true },
        { label: 'Attempts', value: (x) => x.attempts, numeric: true },
        { label: 'First activity', value: (x) => x.firstActivity },
        { label: 'Last activity', value: (x) => x.lastActivity },
      ],
      rows: r.learners,
    } as Table,
    {
      id: 'attempts',
      caption: 'Attempts (each learner\'s timeline)',
      columns: [
        { label: 'Learner', value: (x: Report['attempts'][number]) => x.learner },
        { label: 'Registration', value: (x) => x.registration },
        { label: 'Started', value: (x) => x.started },
        { label: 'Last activity', value: (x) => x.lastActivity },
        { label: 'Completed', value: (x) => x.completedAt },
        { label: 'Status', value: (x) => x.status },
        { label: 'Score (%)', value: (x) => x.score, show: oneDec, numeric: true },
        { label: 'Pages reached', value: (x) => x.pagesReached, numeric: true },
        { label: 'Questions answered', value: (x) => x.questionsAnswered, numeric: true },
        { label: 'Time on pages', value: (x) => x.timeMs, show: durCol, numeric: true },
      ],
      rows: r.attempts,
    } as Table,
  ];
}

