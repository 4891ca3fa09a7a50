// From the typed course to the builders' inputs: every question of a course becomes a
// valid answered statement, and xAPI judges every answer exactly as the SCORM runtime
// does (same index-based answers, same success), so the two channels never disagree.
import { describe, expect, it } from 'vitest';
import { sampleCourse } from '../helpers/sample-course.ts';
import { moduleData } from '../../src/render/view.ts';
import { isCorrect as scormIsCorrect } from '../../src/runtime/cmi-format.ts';
import type { Answer } from '../../src/runtime/suspend-data.ts';
import type { Quiz } from '../../src/course/types.ts';
import { courseInfo, moduleInfo, questionInput } from '../../src/xapi/course-input.ts';
import * as P from '../../src/xapi/profile.ts';
import { problemsOf } from './fixtures.ts';

function candidateAnswers(q: P.QuestionInput): Answer[] {
  switch (q.type) {
    case 'single-choice':
      return q.choices.map((_, i) => i);
    case 'multiple-response': {
      const n = q.choices.length;
      return Array.from({ length: 2 ** n - 1 }, (_, m) => Array.from({ length: n }, (_, i) => i).filter((i) => ((m + 1) >> i) & 1));
    }
    case 'true-false':
      return [true, false];
    case 'fill-in':
      return [...q.answers, ...q.answers.map((a) => `  ${a.toUpperCase()} `), 'something else', ''];
    case 'matching': {
      const n = q.pairs.length;
      const id = Array.from({ length: n }, (_, i) => i);
      return [id, [...id].reverse(), id.map((i) => (i === 0 ? null : i))];
    }
  }
}

describe('course to xAPI inputs', () => {
  const course = sampleCourse();
  const module = course.modules[0]!;
  const s: P.Session = {
    actor: { mbox: 'mailto:learner@example.org' },
    registration: '5d9c9f9e-0a53-4c8e-9f2d-1b1f7c8d2e3a',
    course: courseInfo(course),
    module: moduleInfo(module),
    platform: 'coursepack test',
  };
  const quizzes = module.activities.filter((a): a is Quiz => a.kind === 'quiz');
  const data = moduleData(course, module, 'scorm12');

  it('covers every question type of the sample course', () => {
    const types = new Set(quizzes.flatMap((z) => z.questions.map((q) => q.type)));
    expect([...types].sort()).toEqual(['fill-in', 'matching', 'multiple-response', 'single-choice', 'true-false']);
  });

  it('judges every answer as the SCORM runtime does and every statement is valid', () => {
    let checked = 0;
    for (const quiz of quizzes) {
      for (const q of quiz.questions) {
        const input = questionInput(quiz, q);
        const runtimeQ = data.questions.find((d) => d.iid === `${quiz.id}.${q.id}`)!;
        for (const a of candidateAnswers(input)) {
          const st = P.answeredQuestion(s, { id: quiz.id, title: quiz.title }, input, a);
          expect(st.result!.success, `${q.id} ${JSON.stringify(a)}`).toBe(scormIsCorrect(runtimeQ, a));
          expect(problemsOf(st)).toEqual({ profile: [], learningLocker: [], lrs: [] });
          checked++;
        }
        // The authored right answer is right.
        const right = P.answeredQuestion(s, quiz, input, rightAnswer(input));
        expect(right.result!.success).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});

function rightAnswer(q: P.QuestionInput): Answer {
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
    case 'true-false':
      return q.correct;
    case 'fill-in':
      return q.answers[0]!;
    case 'matching':
      return q.pairs.map((_, i) => i);
  }
}
