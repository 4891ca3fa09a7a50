// Synthetic courses for benchmarks and tests: a valid course of N pages in the
// documented source format, optionally with one small SVG image per page and a
// one-question quiz every few pages (question types in rotation).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface GenerateOptions {
  pages: number;
  /** Place a one-question quiz on every n-th page (0 or absent: no questions). */
  questionEvery?: number;
  /** Give every page its own small SVG image. */
  images?: boolean;
}

const MODULE = 'generated';
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Writes the course into `dir` (created if needed) and returns the number of questions. */
export async function generateCourse(dir: string, opts: GenerateOptions): Promise<{ questions: number }> {
  const n = Math.max(1, Math.floor(opts.pages));
  const every = opts.questionEvery && opts.questionEvery > 0 ? Math.floor(opts.questionEvery) : 0;
  const width = String(n).length;
  const modDir = path.join(dir, MODULE);
  await mkdir(path.join(modDir, 'pages'), { recursive: true });
  if (opts.images) await mkdir(path.join(modDir, 'assets'), { recursive: true });

  await writeFile(
    path.join(dir, 'course.yaml'),
    [
      `id: generated-${n}`,
      `title: Generated course with ${n} pages`,
      'version: "1.0.0"',
      'language: en-GB',
      `description: A synthetic course of ${n} pages for benchmarks.`,
      'authors:',
      '  - name: coursepack generator',
      'organisation: coursepack',
      'completion: all-required-pages',
      ...(every ? ['passMark: 80'] : []),
      'feedback:',
      '  email: feedback@example.org',
      'modules:',
      `  - ${MODULE}`,
      '',
    ].join('\n'),
  );

  const pageFiles: string[] = [];
  const activities: string[] = [];
  let questions = 0;
  const writes: Promise<void>[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `page-${pad(i, width)}`;
    const file = `pages/${id}.md`;
    pageFiles.push(file);
    const placed: string[] = [];
    if (every && i % every === 0) {
      const quizId = `quiz-${pad(i, width)}`;
      placed.push(quizId);
      activities.push(quizYaml(quizId, questions));
      questions++;
    }
    const image = opts.images ? `\n![Diagram ${i}: a labelled box](assets/figure-${pad(i, width)}.svg)\n` : '';
    const body = [
      '---',
      `title: Page ${i}`,
      ...(placed.length ? [`activities: [${placed.join(', ')}]`] : []),
      '---',
      '',
      `This is page ${i} of ${n}. It explains one idea in a short paragraph with a [[term-${(i % 6) + 1}]] link,`,
      'so that rendering does the same work per page as a real course would.',
      image,
      '- a first point',
      '- a second point',
      '',
    ].join('\n');
    writes.push(writeFile(path.join(modDir, file), body));
    if (opts.images) {
      writes.push(
        writeFile(
          path.join(modDir, 'assets', `figure-${pad(i, width)}.svg`),
          `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80" viewBox="0 0 200 80"><rect x="2" y="2" width="196" height="76" fill="#eef" stroke="#335"/><text x="100" y="45" text-anchor="middle" font-size="16">Figure ${i}</text></svg>\n`,
        ),
      );
    }
    // Bound the number of open files for the 1000-page case.
    if (writes.length >= 64) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);

  await writeFile(
    path.join(modDir, 'module.yaml'),
    [`id: ${MODULE}`, `title: Generated module`, 'pages:', ...pageFiles.map((f) => `  - ${f}`), ''].join('\n'),
  );
  await writeFile(
    path.join(modDir, 'glossary.yaml'),
    ['terms:', ...[1, 2, 3, 4, 5, 6].map((t) => `  - id: term-${t}\n    term: Term ${t}\n    definition: Definition of term ${t}.`), ''].join('\n'),
  );
  await writeFile(path.join(modDir, 'activities.yaml'), activities.length ? `activities:\n${activities.join('')}` : 'activities: []\n');
  return { questions };
}

const FEEDBACK = '      feedback:\n        correct: Correct.\n        incorrect: Not quite.\n';

function quizYaml(id: string, k: number): string {
  const head = `  - kind: quiz\n    id: ${id}\n    title: Check ${k + 1}\n    questions:\n`;
  const q = `      - id: ${id}-q\n`;
  switch (k % 5) {
    case 0:
      return head + q + `        type: single-choice\n        prompt: Pick b.\n        choices:\n          - { id: a, text: A }\n          - { id: b, text: B }\n          - { id: c, text: C }\n        correct: b\n` + FEEDBACK.replace(/^ {6}/gm, '        ');
    case 1:
      return head + q + `        type: multiple-response\n        prompt: Pick a and c.\n        choices:\n          - { id: a, text: A }\n          - { id: b, text: B }\n          - { id: c, text: C }\n        correct: [a, c]\n` + FEEDBACK.replace(/^ {6}/gm, '        ');
    case 2:
      return head + q + `        type: true-false\n        prompt: This statement is true.\n        correct: true\n` + FEEDBACK.replace(/^ {6}/gm, '        ');
    case 3:
      return head + q + `        type: fill-in\n        prompt: Type the word "yes".\n        answers: ["yes"]\n        maxLength: 20\n` + FEEDBACK.replace(/^ {6}/gm, '        ');
    default:
      return head + q + `        type: matching\n        prompt: Match the pairs.\n        pairs:\n          - { source: One, target: "1" }\n          - { source: Two, target: "2" }\n          - { source: Three, target: "3" }\n` + FEEDBACK.replace(/^ {6}/gm, '        ');
  }
}
