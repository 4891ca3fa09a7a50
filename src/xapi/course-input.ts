// Maps the typed course (src/course/types.ts) onto the builders' plain inputs, so the
// renderer can embed exactly what the runtime needs: questions with authored choice
// ids and index-based correct answers. Type-only import of the course: browser-safe.
import type { Course, Module, Question, Quiz } from '../course/types.ts';
import type { CourseInfo, ModuleInfo, QuestionInput } from './profile.ts';

export function courseInfo(c: Course): CourseInfo {
  return { iri: c.iri, title: c.title, version: c.version, language: c.language };
}

export function moduleInfo(m: Module): ModuleInfo {
  return m.description ? { id: m.id, title: m.title, description: m.description } : { id: m.id, title: m.title };
}

export function questionInput(quiz: Quiz, q: Question): QuestionInput {
  const base = { id: q.id, quiz: quiz.id, prompt: q.prompt, weighting: quiz.scored ? Math.max(0, q.weighting) : 0 };
  switch (q.type) {
    case 'single-choice':
      return { ...base, type: q.type, choices: q.choices, correct: q.choices.findIndex((c) => c.id === q.correct) };
    case 'multiple-response':
      return { ...base, type: q.type, choices: q.choices, correct: q.correct.map((id) => q.choices.findIndex((c) => c.id === id)) };
    case 'true-false':
      return { ...base, type: q.type, correct: q.correct };
    case 'fill-in':
      return { ...base, type: q.type, answers: q.answers, caseSensitive: q.caseSensitive };
    case 'matching':
      return { ...base, type: q.type, pairs: q.pairs };
  }
}
