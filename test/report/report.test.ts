// The report's figures over statement fixtures with hand-checked expected values, the
// edge cases (nothing, initialized only, voided, duplicates, other course, hostile text),
// the file readers and the written outputs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as P from '../../src/xapi/profile.ts';
import { createAggregator } from '../../src/report/aggregate.ts';
import { buildReport, writeReport } from '../../src/report/index.ts';
import { renderHtml } from '../../src/report/html.ts';
import type { Answer } from './fixtures.ts';
import { classStatements, COURSE, HOSTILE, IRI, nextId, PAGES, Q1, Q2, Q3, QUIZ, reg, session, voiding } from './fixtures.ts';

const json = (x: unknown) => JSON.parse(JSON.stringify(x));
const report = (statements: unknown[], o: Parameters<typeof createAggregator>[0] = {}) => {
  const a = createAggregator({ course: IRI, now: () => new Date('2026-10-01T00:00:00Z'), ...o });
  for (const s of statements) a.add(json(s));
  return a.finish();
};
const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cp-report-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('figures over a hand-checked class of five learners', () => {
  const r = report(classStatements());

  it('overview: learners, attempts, completion and pass rates, time to complete, mean score', () => {
    const o = r.overview;
    expect(o.learners).toBe(5); // Dan (initialized only) is a learner with an attempt
    expect(o.attempts).toBe(5);
    expect(o.completedAttempts).toBe(3); // Ann, Ben, Eve
    expect(o.completionRate).toBeCloseTo(3 / 5, 12);
    expect(o.judgedAttempts).toBe(3);
    expect(o.passedAttempts).toBe(2); // Ann 100, Eve 50 (pass mark 50); Ben 25 failed
    expect(o.passRate).toBeCloseTo(2 / 3, 12);
    // active times of completed attempts: Ann 210 s, Ben 180 s, Eve 30 s
    expect(o.medianTimeToCompleteMs).toBe(180_000);
    // p90 by linear interpolation: position 0.9·2 = 1.8 → 180 + 0.8·(210 − 180) = 204 s
    expect(o.p90TimeToCompleteMs).toBeCloseTo(204_000, 6);
    expect(o.meanScore).toBeCloseTo((100 + 25 + 50) / 3, 9);
    expect(o.byDay).toEqual([
      { day: '2026-09-01', attempts: 2, completions: 2 },
      { day: '2026-09-02', attempts: 2, completions: 0 },
      { day: '2026-09-03', attempts: 1, completions: 1 },
    ]);
  });

  it('drop-off: learners reaching each page in course order and the median time on it', () => {
    expect(r.funnel.map((f) => [f.title, f.learners, f.medianTimeMs])).toEqual([
      ['Welcome', 4, 35_000], // 60, 30, 40, 10 → (30 + 40) / 2
      ['Why consent', 4, 40_000], // 120, 60, 20, 10 → (20 + 60) / 2
      ['Summary', 3, 30_000], // 30, 90, 10
    ]);
    expect(r.funnel[2]!.share).toBe(0.75);
  });

  it('questions: facility and discrimination over finished attempts, hand-worked', () => {
    const [q1, q2, q3] = r.questions;
    // Finished attempts: Ann (1,1,2 → 4), Ben (1,0,0 → 1), Eve (1,1,0 → 2). Cat did not answer q3.
    expect(q1!.attempts).toBe(3);
    expect(q1!.answers).toBe(4);
    expect(q1!.facility).toBe(100);
    expect(q1!.discrimination).toBeNull(); // no spread in q1
    expect(q1!.flags).toEqual(['too easy']);
    // q2: x = 1,0,1; rest = 3,1,1 → r = (2/3) / √(6/9 · 24/9) = 0.5
    expect(q2!.facility).toBeCloseTo(200 / 3, 9);
    expect(q2!.discrimination).toBeCloseTo(50, 9);
    // q3 (max 2): x = 2,0,0 → F = (2/3)/2; rest = 2,1,2 → r = (6/9) / √(24/9 · 6/9) = 0.5
    expect(q3!.facility).toBeCloseTo(100 / 3, 9);
    expect(q3!.discrimination).toBeCloseTo(50, 9);
    expect(q3!.maxScore).toBe(2);
  });

  it('answer frequencies per choice against the correct response (last answer of every attempt)', () => {
    expect(r.questions[0]!.responses).toEqual([
      { response: 'a', label: 'Alpha', count: 1, correct: false },
      { response: 'b', label: 'Beta', count: 3, correct: true },
      { response: 'c', label: 'Gamma', count: 0, correct: false },
    ]);
    // q3 (multiple response, correct x+z): Ann x,z; Ben y; Eve x
    expect(r.questions[2]!.responses.map((a) => [a.response, a.count, a.correct])).toEqual([
      ['x', 2, true],
      ['y', 1, false],
      ['z', 1, true],
    ]);
    expect(r.questions[1]!.responses.map((a) => [a.response, a.count, a.correct])).toEqual([
      ['true', 3, true],
      ['false', 1, false],
    ]);
  });

  it('feedback: ratings, comments as sent, printed and glossary counts', () => {
    expect(r.feedback.ratings).toEqual([0, 1, 0, 0, 1]);
    expect(r.feedback.meanRating).toBe(3.5);
    expect(r.feedback.comments.map((c) => [c.learner, c.rating, c.text])).toEqual([
      ['Ann', 5, 'Great module'],
      ['Ben', 2, HOSTILE.trim()],
    ]);
    expect(r.feedback.printed).toBe(1);
    expect(r.feedback.glossary).toEqual([
      { id: `${IRI}/modules/m1/glossary/consent`, term: 'Consent', views: 2 },
      { id: `${IRI}/modules/m1/glossary/advocacy`, term: 'Advocacy', views: 1 },
    ]);
  });

  it('learners: one row each with status, best score, time and attempts', () => {
    expect(r.learners.map((l) => [l.learner, l.status, l.score, l.timeMs / 1000, l.attempts])).toEqual([
      ['Ann', 'passed', 100, 210, 1],
      ['Ben', 'failed', 25, 180, 1],
      ['Cat', 'in progress', null, 60, 1],
      ['Dan', 'in progress', null, 0, 1],
      ['Eve', 'passed', 50, 30, 1],
    ]);
  });

  it('timeline: one row per attempt with its start, completion, pages reached and answers', () => {
    expect(r.attempts.map((a) => [a.learner, a.registration, a.started, a.completedAt, a.status, a.pagesReached, a.questionsAnswered])).toEqual([
      ['Ann', reg(1), '2026-09-01T09:00:00.000Z', '2026-09-01T09:03:34.000Z', 'passed', 3, 3],
      ['Ben', reg(2), '2026-09-01T10:00:00.000Z', '2026-09-01T10:03:04.000Z', 'failed', 3, 3],
      ['Cat', reg(3), '2026-09-02T09:00:00.000Z', null, 'in progress', 2, 2],
      ['Dan', reg(4), '2026-09-02T10:00:00.000Z', null, 'in progress', 0, 0],
      ['Eve', reg(5), '2026-09-03T09:00:00.000Z', '2026-09-03T09:00:34.000Z', 'passed', 3, 3],
    ]);
  });
});

describe('edge cases', () => {
  it('no statements: zero counts and no rates, and the page still renders', () => {
    const r = report([]);
    expect(r.overview).toMatchObject({ learners: 0, attempts: 0, completionRate: null, passRate: null, medianTimeToCompleteMs: null, meanScore: null });
    expect(r.funnel).toEqual([]);
    expect(r.questions).toEqual([]);
    expect(renderHtml(r)).toContain('No page views in this period.');
  });

  it('a learner with only initialized is a learner with one attempt in progress', () => {
    const s = session('Solo', reg(9), '2026-09-01T00:00:00Z');
    const r = report([P.initialized(s)]);
    expect(r.overview).toMatchObject({ learners: 1, attempts: 1, completedAttempts: 0, completionRate: 0 });
    expect(r.learners).toEqual([expect.objectContaining({ learner: 'Solo', status: 'in progress', attempts: 1, timeMs: 0 })]);
  });

  it('voided statements are excluded whether the voiding statement comes after or before its target', async () => {
    const base = classStatements();
    const s = session('Eve', reg(5), '2026-09-03T10:00:00Z');
    const late = P.experiencedPage(s, PAGES[0]!, { durationMs: 500_000 }); // voided after it was sent
    const early = P.experiencedPage(s, PAGES[1]!, { durationMs: 700_000 }); // its voiding statement came first
    const passFail = P.judgedModule(session('Cat', reg(3), '2026-09-02T12:00:00Z'), { raw: 90, max: 100 }, 50);
    const stream = [voiding(early.id), ...base, late, early, passFail, voiding(late.id), voiding(passFail.id)];
    const dir = tmp();
    const file = join(dir, 's.ndjson');
    writeFileSync(file, stream.map((x) => JSON.stringify(x)).join('\n'));
    const r = await buildReport({ source: { from: file }, course: IRI });
    const clean = report(base);
    expect(r.funnel).toEqual(clean.funnel);
    expect(r.overview).toEqual(clean.overview);
    expect(r.counts).toMatchObject({ voided: 3, voiding: 3, used: base.length });
    // The single pass alone counted the late ones: it names the attempts to rebuild (Eve's and Cat's).
    const one = createAggregator({ course: IRI });
    for (const x of stream) one.add(json(x));
    expect(one.spoilt().sort()).toEqual([reg(3), reg(5)]);
    // The same stream as a JSON array, the target voided late being a whole attempt's only statement.
    const lone = P.initialized(session('Lone', reg(77), '2026-09-06T00:00:00Z'));
    writeFileSync(join(dir, 's.json'), JSON.stringify([...stream, lone, voiding(lone.id)]));
    const r2 = await buildReport({ source: { from: join(dir, 's.json') }, course: IRI });
    expect(r2.overview).toEqual(clean.overview);
    expect(r2.learners).toEqual(clean.learners);
    expect(r2.counts).toMatchObject({ voided: 4, voiding: 4, used: base.length, read: stream.length + 2 });
  });

  it('duplicate deliveries (same id) are counted once', () => {
    const base = classStatements();
    const r = report([...base, ...base.slice(0, 10), base[3]]);
    expect(r.counts.duplicates).toBe(11);
    expect(r.overview).toEqual(report(base).overview);
    expect(r.funnel).toEqual(report(base).funnel);
  });

  it('statements about another course are ignored', () => {
    const other = session('Zed', reg(20), '2026-09-01T00:00:00Z', { ...COURSE, iri: 'https://example.org/courses/other' });
    const prefixTwin = session('Zoe', reg(21), '2026-09-01T00:00:00Z', { ...COURSE, iri: `${IRI}-advanced` });
    const extra = [P.initialized(other), P.experiencedPage(other, PAGES[0]!, { durationMs: 1000 }), P.initialized(prefixTwin)];
    const r = report([...classStatements(), ...extra]);
    expect(r.counts.otherCourse).toBe(3);
    expect(r.overview.learners).toBe(5);
    expect(r.learners.map((l) => l.learner)).not.toContain('Zed');
  });

  it('--since/--until keep statements by timestamp', () => {
    const r = report(classStatements(), { since: new Date('2026-09-02T00:00:00Z'), until: new Date('2026-09-02T23:59:59.999Z') });
    expect(r.learners.map((l) => l.learner)).toEqual(['Cat', 'Dan']);
    expect(r.counts.outsideDates).toBeGreaterThan(0);
  });

  it('hostile comment text is shown as text, never as HTML', async () => {
    const r = report(classStatements());
    const html = renderHtml(r);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    const dir = tmp();
    await writeReport(r, dir);
    const csvText = readFileSync(join(dir, 'comments.csv'), 'utf8');
    expect(csvText).toContain('"</td><script>alert(""x"")</script><img src=x onerror=alert(2)> & ""quotes"""');
  });

  it('pseudonymised learners: a keyed hash, stable per learner, no names anywhere in the outputs', async () => {
    const a = report(classStatements(), { pseudonymiseKey: 'k1' });
    const b = report(classStatements(), { pseudonymiseKey: 'k2' });
    expect(a.learners.every((l) => /^learner-[0-9a-f]{12}$/.test(l.learner))).toBe(true);
    expect(a.learners.map((l) => l.learner)).not.toEqual(b.learners.map((l) => l.learner));
    expect(new Set(a.learners.map((l) => l.learner)).size).toBe(5);
    const html = renderHtml(a);
    for (const name of ['Ann', 'Ben', 'ann@example.org']) expect(html).not.toContain(name);
    expect(a.attempts.every((x) => x.registration === null)).toBe(true);
    expect(a.feedback.comments[0]!.learner).toBe(a.learners.find((l) => l.status === 'passed' && l.score === 100)!.learner);
  });
});

describe('question statistics against an independent computation', () => {
  // 60 learners of varying ability answer 4 questions; answers from a seeded generator.
  let seed = 42;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const qs = [Q1, Q2, Q3, { ...Q2, id: 'q4', prompt: 'Reverse' } as typeof Q2];
  const statements: P.Statement[] = [];
  const scores: number[][] = [];
  for (let i = 0; i < 60; i++) {
    const s = session(`L${i}`, reg(100 + i), '2026-09-10T00:00:00Z');
    const ability = i / 60;
    const row: number[] = [];
    qs.forEach((q, k) => {
      // q4 is answered right more often by weaker learners: negative discrimination
      const p = k === 3 ? 1 - ability : k === 0 ? 0.97 : ability;
      const right = rand() < p;
      const answer: Answer = q.type === 'single-choice' ? (right ? 1 : 0) : q.type === 'multiple-response' ? (right ? [0, 2] : [1]) : k === 3 ? right : right;
      statements.push(P.answeredQuestion(s, QUIZ, q, answer));
      row.push(right ? q.weighting : 0);
    });
    scores.push(row);
  }
  const r = report(statements);

  it('facility = 100·mean/max and discrimination = 100·Pearson(item, rest) by the sums formula', () => {
    qs.forEach((q, k) => {
      const x = scores.map((row) => row[k]!);
      const y = scores.map((row) => row.reduce((t, v) => t + v, 0) - row[k]!);
      const n = x.length;
      const sx = x.reduce((t, v) => t + v, 0);
      const sy = y.reduce((t, v) => t + v, 0);
      const sxy = x.reduce((t, v, i) => t + v * y[i]!, 0);
      const sxx = x.reduce((t, v) => t + v * v, 0);
      const syy = y.reduce((t, v) => t + v * v, 0);
      const pearson = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
      const got = r.questions.find((s) => s.id.endsWith(`/${q.id}`))!;
      expect(got.attempts).toBe(60);
      expect(got.facility).toBeCloseTo((100 * sx) / n / q.weighting, 9);
      expect(got.discrimination).toBeCloseTo(100 * pearson, 9);
    });
    const q4 = r.questions.find((s) => s.id.endsWith('/q4'))!;
    expect(q4.discrimination!).toBeLessThan(0);
    expect(q4.flags).toContain('negative discrimination');
  });
});

describe('inputs and outputs', () => {
  it('reads an NDJSON export and a JSON array export to the same figures, and writes html, csv and summary.json', async () => {
    const base = classStatements();
    const dir = tmp();
    writeFileSync(join(dir, 'a.ndjson'), base.map((x) => JSON.stringify(x)).join('\n') + '\n\n');
    // Pretty-printed array with strings holding brackets, braces and escaped quotes.
    writeFileSync(join(dir, 'b.json'), JSON.stringify(base, null, 2));
    const a = await buildReport({ source: { from: join(dir, 'a.ndjson') }, course: IRI });
    const b = await buildReport({ source: { from: join(dir, 'b.json') }, course: IRI });
    expect(b.overview).toEqual(a.overview);
    expect(b.feedback.comments).toEqual(a.feedback.comments);
    expect(a.counts.read).toBe(base.length);
    const files = await writeReport(a, join(dir, 'out'));
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(
      ['activity-by-day.csv', 'answers.csv', 'attempts.csv', 'comments.csv', 'drop-off.csv', 'glossary.csv', 'index.html', 'learners.csv', 'overview.csv', 'questions.csv', 'ratings.csv', 'reflections.csv', 'summary.json'].sort(),
    );
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).overview).toEqual(a.overview);
    expect(readFileSync(join(dir, 'out', 'drop-off.csv'), 'utf8').split('\r\n')[1]).toBe(`Welcome,${IRI}/modules/m1/pages/p1,4,1,35000`);
  });

  it('a JSON array much larger than one read chunk (64 KiB) is split correctly across chunks', async () => {
    const many: P.Statement[] = [];
    for (let i = 0; i < 1500; i++) {
      const s = session(`Big "{[${i}`, reg(1000 + i), '2026-09-01T00:00:00Z');
      many.push(P.initialized(s), P.experiencedPage(s, PAGES[0]!, { durationMs: 1000 }), P.commented(s, { comment: `} ] \\" , { [ ${i}`, rating: 1 + (i % 5) }));
    }
    const dir = tmp();
    writeFileSync(join(dir, 'big.json'), JSON.stringify(many));
    expect(readFileSync(join(dir, 'big.json')).length).toBeGreaterThan(3 << 20);
    const r = await buildReport({ source: { from: join(dir, 'big.json') }, course: IRI });
    expect(r.counts.read).toBe(4500);
    expect(r.overview.learners).toBe(1500);
    expect(r.feedback.ratings).toEqual([300, 300, 300, 300, 300]);
    expect(r.feedback.comments[7]!.text).toBe(many[7 * 3 + 2]!.result!.response);
  });

  it('an NDJSON export with a byte-order mark and CRLF line ends reads the same', async () => {
    const base = classStatements();
    const dir = tmp();
    writeFileSync(join(dir, 'crlf.ndjson'), '\uFEFF' + base.map((x) => JSON.stringify(x)).join('\r\n') + '\r\n');
    const r = await buildReport({ source: { from: join(dir, 'crlf.ndjson') }, course: IRI });
    expect(r.counts.read).toBe(base.length);
    expect(r.overview).toEqual(report(base).overview);
  });

  it('a truncated JSON array is an error with a code, not a silent partial report', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(classStatements()).slice(0, -40));
    await expect(buildReport({ source: { from: join(dir, 'bad.json') } })).rejects.toMatchObject({ code: 'REPORT_INPUT' });
  });

  it('a course outline orders the funnel by the course, not by what learners did', () => {
    const s = session('Ann', reg(1), '2026-09-01T09:00:00Z');
    const backwards = [P.experiencedPage(s, PAGES[2]!, { durationMs: 1000 }), P.experiencedPage(s, PAGES[0]!, { durationMs: 1000 })];
    const outline = { iri: IRI, title: 'Consent', modules: [{ id: 'm1', title: 'Module one', pages: PAGES, quizzes: [] }] };
    expect(report(backwards, { outline }).funnel.map((f) => [f.title, f.learners])).toEqual([
      ['Welcome', 1],
      ['Why consent', 0],
      ['Summary', 1],
    ]);
  });
});
void nextId;

describe('the CLI with a course folder', () => {
  it('report --from … course-dir: the funnel lists every page of the example course in course order, with the pages nobody reached', async () => {
    const { loadCourse } = await import('../../src/course/index.ts');
    const { outlineOf } = await import('../../src/report/index.ts');
    const { runCli, ROOT } = await import('../helpers/cli.ts');
    const { course } = await loadCourse(join(ROOT, 'course'));
    const outline = outlineOf(course);
    const m = outline.modules[0]!;
    const s = { ...session('Ann', reg(1), '2026-09-01T09:00:00Z', { iri: course.iri, title: course.title, version: course.version, language: course.language }), module: { id: m.id, title: m.title } };
    // Ann sees the last page first, then the first one; nobody sees the others.
    const st = [P.initialized(s), P.experiencedPage(s, m.pages.at(-1)!, { durationMs: 5000 }), P.experiencedPage(s, m.pages[0]!, { durationMs: 7000 })];
    const dir = tmp();
    writeFileSync(join(dir, 's.ndjson'), st.map((x) => JSON.stringify(x)).join('\n'));
    const r = runCli(['report', '--from', join(dir, 's.ndjson'), join(ROOT, 'course'), '--out', join(dir, 'out'), '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.course).toEqual({ iri: course.iri, title: course.title });
    expect(summary.funnel.map((f: { title: string }) => f.title)).toEqual(m.pages.map((p) => p.title));
    expect(summary.funnel.map((f: { learners: number }) => f.learners)).toEqual(m.pages.map((_, i) => (i === 0 || i === m.pages.length - 1 ? 1 : 0)));
    // Every question of the course's quizzes is listed, answered or not.
    expect(summary.questions.length).toBe(m.quizzes.reduce((t, q) => t + q.questions.length, 0));
    // A --course that is not the folder's IRI is a usage error.
    const bad = runCli(['report', '--from', join(dir, 's.ndjson'), join(ROOT, 'course'), '--course', 'https://example.org/other', '--out', join(dir, 'out2')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not the IRI of');
  });
});
