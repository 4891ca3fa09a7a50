// Hand-built Course objects (per src/course/types.ts) for renderer, runtime and
// browser tests, so they do not depend on the loader or on the example course text.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Course, Module, Page, Question } from '../../src/course/types.ts';

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function page(id: string, title: string, markdown: string, activities: string[] = [], required = true): Page {
  return { id, title, required, file: `m1/${id}.md`, markdown, bodyLine: 4, activities };
}

export function sampleCourse(overrides: Partial<Course> = {}): Course {
  const dir = join(tmpdir(), 'coursepack-sample-course');
  mkdirSync(join(dir, 'm1', 'assets'), { recursive: true });
  const img = join(dir, 'm1', 'assets', 'dot.png');
  writeFileSync(img, PNG_1PX);
  const questions: Question[] = [
    {
      id: 'q1',
      type: 'single-choice',
      prompt: 'Which stream of lay involvement concerns **decisions about one person\'s care**?',
      choices: [
        { id: 'individual', text: 'Individual involvement' },
        { id: 'public', text: 'Public involvement' },
        { id: 'neither', text: 'Neither' },
      ],
      correct: 'individual',
      feedback: { correct: 'Yes: shared decisions about *your own* care.', incorrect: 'Look again at page 2.' },
      weighting: 1,
    },
    {
      id: 'q2',
      type: 'multiple-response',
      prompt: 'Which of these are forms of public involvement?',
      choices: [
        { id: 'a', text: 'Sitting on a hospital board' },
        { id: 'b', text: 'Choosing between two treatments' },
        { id: 'c', text: 'Helping design a service' },
      ],
      correct: ['a', 'c'],
      feedback: { correct: 'Right.', incorrect: 'Public involvement shapes services, not one person\'s care.' },
      weighting: 1,
    },
    {
      id: 'q3',
      type: 'true-false',
      prompt: 'Patients can only be involved in education as actors.',
      correct: false,
      feedback: { correct: 'Indeed, false.', incorrect: 'They can also teach, assess and design curricula.' },
      weighting: 1,
    },
    {
      id: 'q4',
      type: 'fill-in',
      prompt: 'The case study is the "______ in healthcare" day.',
      answers: ['Dignity', 'dignity day'],
      caseSensitive: false,
      maxLength: 40,
      feedback: { correct: 'Yes, Dignity.', incorrect: 'It is the Dignity in healthcare day.' },
      weighting: 1,
    },
    {
      id: 'q5',
      type: 'matching',
      prompt: 'Match each term to its stream.',
      pairs: [
        { source: { id: 's1', text: 'Shared decision making' }, target: { id: 't1', text: 'Individual care' } },
        { source: { id: 's2', text: 'Patient panel' }, target: { id: 't2', text: 'Services' } },
        { source: { id: 's3', text: 'Curriculum committee' }, target: { id: 't3', text: 'Education' } },
      ],
      feedback: { correct: 'All matched.', incorrect: 'Not all pairs are right.' },
      weighting: 1,
    },
  ];
  const module: Module = {
    id: 'involving-patients',
    title: 'Involving patients in health professions education',
    description: 'Why and how patients take part in *teaching*.',
    dir: 'm1',
    pages: [
      page('intro', 'Introduction', `# Why involve patients\n\nPatients bring [[lived experience|lived-experience]] to teaching.\n\n![A dot](assets/dot.png)\n\n<script>alert("x")</script>\n\nSee [the seed](https://example.org/seed).`),
      page('streams', 'Two streams', '## Individual and public\n\nThe two streams are [[shared-decision-making]] and [[ppi]].'),
      page('extra', 'Optional extra', 'Background reading for the curious.', [], false),
      page('reflect', 'Your reflection', 'Think about your own practice.', ['my-reflection']),
      page('check', 'Check your understanding', 'Five questions.', ['quiz']),
    ],
    activities: [
      {
        kind: 'reflection',
        id: 'my-reflection',
        title: 'Reflect on involvement',
        prompt: 'When did a patient last teach you something?',
        guidance: 'Many learners mention *a single conversation*.',
        maxLength: 500,
      },
      { kind: 'quiz', id: 'quiz', title: 'Check your understanding', scored: true, questions },
    ],
    glossary: [
      { id: 'lived-experience', term: 'Lived experience', definition: 'Knowledge gained by living with a condition.' },
      { id: 'shared-decision-making', term: 'Shared decision making', definition: 'Clinician and patient decide together.' },
      { id: 'ppi', term: 'Patient and public involvement', definition: 'Involving people in *services* and research.' },
    ],
    furtherReading: [
      { title: 'Patient involvement in education', citation: 'Author A (2020). Journal of Tests 1(2).', url: 'https://example.org/paper', note: 'A *short* review.' },
      { title: 'A book without a link', citation: 'Author B (2019). Publisher.' },
    ],
    assets: [{ path: 'assets/dot.png', source: img, bytes: PNG_1PX.length }],
  };
  return {
    dir,
    id: 'sample-course',
    iri: 'https://example.org/courses/sample-course',
    title: 'Sample course <&>',
    version: '1.0.0',
    language: 'en-GB',
    description: 'A course for tests.',
    authors: [{ name: 'Test Author' }],
    organisation: 'Test Org',
    completion: 'all-required-pages',
    passMark: 60,
    feedback: { email: 'team@example.org', subject: 'Course feedback', rating: true, scormComments: true },
    modules: [module],
    ...overrides,
  };
}

/** A generated module: `pages` pages, a question every `pages / questions` pages cycling through the five types. */
export function generatedCourse(pages: number, questionCount: number): Course {
  const base = sampleCourse();
  const template = (base.modules[0].activities[1] as { questions: Question[] }).questions;
  const every = Math.max(1, Math.floor(pages / questionCount));
  const mod: Module = { ...base.modules[0], pages: [], activities: [], assets: [] };
  let made = 0;
  for (let i = 0; i < pages; i++) {
    const acts: string[] = [];
    if ((i + 1) % every === 0 && made < questionCount) {
      const q = { ...template[made % template.length], id: `q${made}` } as Question;
      if (q.type === 'fill-in') q.maxLength = 100;
      mod.activities.push({ kind: 'quiz', id: `quiz${made}`, title: `Question ${made + 1}`, scored: true, questions: [q] });
      acts.push(`quiz${made}`);
      made++;
    }
    mod.pages.push(page(`p${i}`, `Page ${i + 1}`, `Text of page ${i + 1}.`, acts));
  }
  return { ...base, modules: [mod] };
}
