// Lesson status and score rules for SCORM 1.2: what the module's state is worth,
// and which status may be written without ever lowering what the LMS already has.
import type { LearnerState } from './suspend-data.ts';
import type { ModuleData } from './module-data.ts';
import { isCorrect } from './cmi-format.ts';

export type Status = 'incomplete' | 'completed' | 'passed' | 'failed';

// 'browsed' (a look in browse mode) is below 'incomplete': starting for real is progress, not a step down.
const RANK: Record<string, number> = { '': 0, 'not attempted': 0, browsed: 1, incomplete: 2, failed: 3, completed: 4, passed: 5 };

/** The status to write given what the LMS holds and what the state earns; null when nothing should be written. */
export function nextStatus(current: string, earned: Status): Status | null {
  const have = RANK[current] ?? 0;
  if (current === earned) return null;
  return RANK[earned] > have ? earned : null;
}

export function completionMet(data: ModuleData, state: LearnerState): boolean {
  return data.pages.every((p, i) => state.visited[i] || (data.completion === 'all-required-pages' && !p.required));
}

/** Percentage (0–100) over scored questions, unanswered counting as wrong; null when nothing is scored. */
export function score(data: ModuleData, state: LearnerState): { raw: number; allAnswered: boolean } | null {
  let total = 0;
  let got = 0;
  let allAnswered = true;
  data.questions.forEach((q, i) => {
    if (!q.scored) return;
    const w = Math.max(0, q.weighting);
    total += w;
    const a = state.answers[i];
    if (a === undefined) allAnswered = false;
    else if (isCorrect(q, a)) got += w;
  });
  if (total === 0) return null;
  return { raw: Math.round((got / total) * 10000) / 100, allAnswered };
}

/**
 * best: the best score already recorded in this attempt (see the tracker), so a
 * learner who passed and then changes an answer is judged on the best result.
 */
export function earnedStatus(data: ModuleData, state: LearnerState, best = 0): Status {
  if (!completionMet(data, state)) return 'incomplete';
  const s = score(data, state);
  if (data.passMark === null || s === null) return 'completed';
  if (!s.allAnswered) return 'incomplete';
  return Math.max(s.raw, best) >= data.passMark ? 'passed' : 'failed';
}

export function isDone(status: string): boolean {
  return status === 'completed' || status === 'passed' || status === 'failed';
}
