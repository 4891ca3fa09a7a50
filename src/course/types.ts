// The typed course: what the loader (src/course/) produces from course.yaml and the
// module folders, and the contract every later stage (render, package, runtime data)
// reads. Plain data, no methods.

export type CompletionRule =
  /** every page marked required has been viewed */
  | 'all-required-pages'
  /** every page has been viewed */
  | 'all-pages';

export interface Author {
  name: string;
  email?: string;
}

export interface FeedbackSettings {
  /** Address for the "Email your comments" mailto: link (always available). */
  email?: string;
  /** Subject line for the mailto: link. */
  subject?: string;
  /** Ask the learner for a 1–5 rating next to the comment. */
  rating: boolean;
  /** Append the comment to cmi.comments in SCORM 1.2. */
  scormComments: boolean;
  /** Send an xAPI commented statement (xapi/cmi5 launch LRS, or the scorm12 side channel); default false. */
  xapi?: boolean;
  /** POST a JSON payload to this address (docs/feedback.md); signed when a secret is set. */
  webhook?: { url: string; secret?: string };
}

/** The LRS a scorm12 package also reports to (the xAPI side channel). */
export interface LrsSettings {
  /** xAPI endpoint, ending in '/'. */
  endpoint: string;
  /** Key id and secret, sent as HTTP Basic credentials from the learner's browser. */
  key: string;
  secret: string;
  /** account.homePage of the actor derived from cmi.core.student_id; default: the endpoint's origin. */
  homePage?: string;
  /** Build even with a key that can read statements or is not scoped to the course. */
  allowEmbeddedCredentials: boolean;
}

export interface Course {
  /** Absolute path of the course folder. */
  dir: string;
  /** Short identifier: lower-case letters, digits and hyphens. */
  id: string;
  /** Base IRI for xAPI activity ids, without trailing slash. */
  iri: string;
  title: string;
  /** Semantic version string, e.g. "1.0.0". */
  version: string;
  /** BCP 47 language tag, e.g. "en-GB". */
  language: string;
  description: string;
  authors: Author[];
  organisation: string;
  completion: CompletionRule;
  /** Pass mark in percent (0–100); absent when the course has no scored quiz. */
  passMark?: number;
  feedback: FeedbackSettings;
  /** xAPI side channel for the scorm12 target; absent when none is configured. */
  lrs?: LrsSettings;
  modules: Module[];
}

export interface Module {
  id: string;
  title: string;
  description?: string;
  /** Folder of the module, relative to the course folder (POSIX separators). */
  dir: string;
  pages: Page[];
  activities: Activity[];
  glossary: GlossaryTerm[];
  furtherReading: Reading[];
  /** Files copied into the package, e.g. images and PDFs. */
  assets: Asset[];
}

export interface Page {
  id: string;
  title: string;
  required: boolean;
  /** Source file relative to the course folder. */
  file: string;
  /** Markdown body (front matter removed). */
  markdown: string;
  /** Line in `file` where the body starts (1-based), for error positions. */
  bodyLine: number;
  /** Activity ids placed at the end of this page, in order. */
  activities: string[];
}

export interface Asset {
  /** Path inside the package, relative to the module root, e.g. "assets/dignity-day.jpg". */
  path: string;
  /** Absolute path of the source file. */
  source: string;
  bytes: number;
}

export interface GlossaryTerm {
  /** Slug used in links: [[term-id]] or [[shown text|term-id]] in Markdown. */
  id: string;
  term: string;
  definition: string;
}

export interface Reading {
  title: string;
  /** Full citation text. */
  citation?: string;
  url?: string;
  note?: string;
}

export type Activity = Reflection | Quiz;

export interface Reflection {
  kind: 'reflection';
  id: string;
  title: string;
  prompt: string;
  /** Optional guidance shown after the learner saves a reflection. */
  guidance?: string;
  /** Maximum characters kept; bounded so it fits the suspend_data budget. */
  maxLength: number;
}

export interface Quiz {
  kind: 'quiz';
  id: string;
  title: string;
  /** Whether this quiz's score counts towards cmi.core.score / pass mark. */
  scored: boolean;
  questions: Question[];
}

export interface Feedback {
  correct: string;
  incorrect: string;
}

export interface Choice {
  id: string;
  text: string;
}

interface QuestionBase {
  id: string;
  prompt: string;
  feedback: Feedback;
  /** Relative weight in the quiz score, default 1. */
  weighting: number;
}

export interface SingleChoiceQuestion extends QuestionBase {
  type: 'single-choice';
  choices: Choice[];
  correct: string;
}

export interface MultipleResponseQuestion extends QuestionBase {
  type: 'multiple-response';
  choices: Choice[];
  correct: string[];
}

export interface TrueFalseQuestion extends QuestionBase {
  type: 'true-false';
  correct: boolean;
}

export interface FillInQuestion extends QuestionBase {
  type: 'fill-in';
  /** Accepted answers; the first is the canonical correct response. */
  answers: string[];
  caseSensitive: boolean;
  /** Maximum answer length accepted from the learner. */
  maxLength: number;
}

export interface MatchingQuestion extends QuestionBase {
  type: 'matching';
  /** Each source matches exactly the target at the same index. */
  pairs: { source: Choice; target: Choice }[];
}

export type Question =
  | SingleChoiceQuestion
  | MultipleResponseQuestion
  | TrueFalseQuestion
  | FillInQuestion
  | MatchingQuestion;

export type QuestionType = Question['type'];
