// The module description the renderer embeds in index.html as JSON and the
// runtime reads at start-up. Shared type only: no code, so both sides agree.
import type { SuspendLayout } from './suspend-data.ts';
import type { XapiModuleData } from './xapi-module-data.ts';

export type QuestionData =
  | (QuestionCommon & { type: 'single-choice'; choices: string[]; correct: number })
  | (QuestionCommon & { type: 'multiple-response'; choices: string[]; correct: number[] })
  | (QuestionCommon & { type: 'true-false'; correct: boolean })
  | (QuestionCommon & { type: 'fill-in'; answers: string[]; caseSensitive: boolean; maxLength: number })
  | (QuestionCommon & { type: 'matching'; pairs: number });

interface QuestionCommon {
  /** cmi.interactions.n.id: quiz and question id, printable ASCII. */
  iid: string;
  /** DOM id of the question's fieldset. */
  dom: string;
  quiz: string;
  scored: boolean;
  weighting: number;
}

export interface ModuleData {
  target: 'scorm12' | 'web' | 'xapi' | 'cmi5';
  courseId: string;
  courseVersion: string;
  moduleId: string;
  moduleTitle: string;
  completion: 'all-pages' | 'all-required-pages';
  /** Pass mark in percent; null when the module has no scored quiz or the course no pass mark. */
  passMark: number | null;
  /** DOM ids of every view: pages first, then glossary, further reading, feedback. */
  views: string[];
  pages: { id: string; required: boolean }[];
  questions: QuestionData[];
  reflections: { dom: string; maxLength: number }[];
  feedback: {
    email: string | null;
    subject: string;
    rating: boolean;
    scormComments: boolean;
    maxLength: number;
    /** Send an xAPI commented statement (when the launch or the side channel has an LRS). */
    xapi?: boolean;
    /** POST a signed JSON payload here (src/runtime/feedback.ts). */
    webhook?: { url: string; secret?: string } | null;
  };
  layout: SuspendLayout;
  /** Only on xapi and cmi5 pages, and scorm12 pages with a side channel: what the statements need. */
  xapi?: XapiModuleData;
  /** Only on scorm12 pages whose course configures an LRS (course.yaml lrs): where the side channel reports. */
  sideChannel?: { endpoint: string; auth: string; homePage: string };
}
