// The report's data: what one aggregation pass produces and every output (HTML, CSV,
// summary.json) is written from. Plain data, JSON-serialisable.

/** What a course folder tells the report: the order of pages and the questions of each quiz. */
export interface CourseOutline {
  iri: string;
  title: string;
  modules: Array<{
    id: string;
    title: string;
    pages: Array<{ id: string; title: string }>;
    quizzes: Array<{ id: string; title: string; questions: Array<{ id: string; prompt: string }> }>;
  }>;
}

export interface ReportCounts {
  /** Statements the source delivered (voiding statements included). */
  read: number;
  /** Statements that entered the figures. */
  used: number;
  duplicates: number;
  voided: number;
  voiding: number;
  otherCourse: number;
  outsideDates: number;
  /** Statements whose verb the profile does not use, or that lack what the figures need. */
  ignored: number;
}

export interface Overview {
  learners: number;
  attempts: number;
  completedAttempts: number;
  /** completed / attempts, 0–1; null with no attempts. */
  completionRate: number | null;
  passedAttempts: number;
  judgedAttempts: number;
  /** passed / attempts with a pass or fail, 0–1; null when none was judged. */
  passRate: number | null;
  /** Active time (time on pages) of completed attempts, ms. */
  medianTimeToCompleteMs: number | null;
  p90TimeToCompleteMs: number | null;
  /** Mean over judged attempts of the module score (percent). */
  meanScore: number | null;
  /** Per UTC day: attempts started and attempts completed that day. */
  byDay: Array<{ day: string; attempts: number; completions: number }>;
}

export interface FunnelStep {
  module: string;
  page: string;
  title: string;
  learners: number;
  /** learners / learners who reached the first page, 0–1. */
  share: number | null;
  medianTimeMs: number | null;
}

export interface AnswerCount {
  response: string;
  label: string;
  count: number;
  correct: boolean;
}

export interface QuestionStats {
  id: string;
  quiz: string;
  title: string;
  interactionType: string;
  /** Finished quiz attempts that include the question (the population of F and D). */
  attempts: number;
  /** All answered statements for the question (retries included). */
  answers: number;
  maxScore: number;
  facility: number | null;
  discrimination: number | null;
  correctResponses: string[];
  responses: AnswerCount[];
  flags: string[];
}

export interface FeedbackComment {
  at: string;
  learner: string;
  module: string;
  rating: number | null;
  text: string;
}

export interface FeedbackStats {
  /** counts for ratings 1..5 (index 0 = rating 1). */
  ratings: number[];
  meanRating: number | null;
  comments: FeedbackComment[];
  printed: number;
  glossary: Array<{ id: string; term: string; views: number }>;
  reflections: Array<{ id: string; title: string; responses: number }>;
}

export interface LearnerRow {
  learner: string;
  status: 'passed' | 'failed' | 'completed' | 'in progress';
  /** Best score over the learner's attempts, percent. */
  score: number | null;
  /** Active time over all attempts, ms. */
  timeMs: number;
  attempts: number;
  firstActivity: string;
  lastActivity: string;
}

/** One attempt (registration) of a learner: the learner's timeline is their attempts in order. */
export interface AttemptRow {
  learner: string;
  /** The registration UUID; null when learners are pseudonymised (it could be looked up in the LMS). */
  registration: string | null;
  started: string;
  lastActivity: string;
  completedAt: string | null;
  status: LearnerRow['status'];
  score: number | null;
  pagesReached: number;
  questionsAnswered: number;
  timeMs: number;
}

export interface Report {
  generatedAt: string;
  course: { iri: string | null; title: string | null };
  filters: { since: string | null; until: string | null; pseudonymised: boolean };
  counts: ReportCounts;
  overview: Overview;
  funnel: FunnelStep[];
  questions: QuestionStats[];
  feedback: FeedbackStats;
  learners: LearnerRow[];
  attempts: AttemptRow[];
}
