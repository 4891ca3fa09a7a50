// What an xAPI/cmi5 page embeds beside ModuleData so the runtime can build the profile
// statements (src/xapi/profile.ts) without the course: course and module info, page
// and quiz titles, questions with their authored choice ids (same order as
// ModuleData.questions), reflections (same order as ModuleData.reflections), glossary
// terms. Shared type only.
import type { CourseInfo, ModuleInfo, QuestionInput, ReflectionInput } from '../xapi/profile.ts';

export interface XapiModuleData {
  course: CourseInfo;
  module: ModuleInfo;
  /** The publisher's AU / module activity id (as in cmi5.xml and tincan.xml). */
  moduleIri: string;
  /** Pass mark in percent that applies to the module (null: no scored quiz or no pass mark). */
  passMark: number | null;
  platform: string;
  pages: { id: string; title: string }[];
  quizzes: { id: string; title: string; scored: boolean }[];
  questions: QuestionInput[];
  reflections: ReflectionInput[];
  /** Glossary terms by their DOM id (term-<id>). */
  glossary: { id: string; term: string }[];
}
