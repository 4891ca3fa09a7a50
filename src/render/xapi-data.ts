// The xAPI part of a page's embedded data (src/runtime/xapi-module-data.ts), for the
// xapi and cmi5 targets, and scorm12 with the xAPI side channel; web pages carry none of it.
import type { Course, Module, Question, Quiz, Reflection } from '../course/types.ts';
import type { XapiModuleData } from '../runtime/xapi-module-data.ts';
import { courseInfo, moduleInfo, questionInput } from '../xapi/course-input.ts';
import { moduleActivityId } from '../package/activity-ids.ts';
import { readFileSync } from 'node:fs';

const PLATFORM_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export function xapiModuleData(
  course: Course,
  module: Module,
  target: 'xapi' | 'cmi5' | 'scorm12',
  questions: { quiz: Quiz; q: Question }[],
  reflections: Reflection[],
  passMark: number | null,
): XapiModuleData {
  const quizzes = new Map<string, Quiz>();
  for (const { quiz } of questions) quizzes.set(quiz.id, quiz);
  return {
    course: courseInfo(course),
    module: moduleInfo(module),
    moduleIri: moduleActivityId(course, module),
    passMark,
    platform: `coursepack ${PLATFORM_VERSION} (${target})`,
    pages: module.pages.map((p) => ({ id: p.id, title: p.title })),
    quizzes: [...quizzes.values()].map((q) => ({ id: q.id, title: q.title, scored: q.scored })),
    questions: questions.map(({ quiz, q }) => questionInput(quiz, q)),
    reflections: reflections.map((r) => ({ id: r.id, title: r.title, prompt: r.prompt })),
    glossary: module.glossary.map((g) => ({ id: `term-${g.id}`, term: g.term })),
  };
}
