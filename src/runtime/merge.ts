// Merging two versions of one learner's progress, so that neither side's work is
// lost: the state this page built while the LMS could not be read with what the LMS
// holds once it can (tracker.ts), and a browser copy the LMS never acknowledged with
// what the LMS holds now, possibly saved later from another device.
//
// Visited pages are a union (a page seen stays seen). Answers and reflections are
// chosen item by item: the caller says which side changed an item (wins), the other
// side fills every gap, so an item either side has is never dropped.
import type { LearnerState } from './suspend-data.ts';

export type Item = 'answer' | 'reflection';

/** Which items keep our version: true where ours wins, false where theirs does (falling back to ours when theirs has none). */
export type OursWins = (item: Item, index: number) => boolean;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function pick<T>(ours: (T | undefined)[], theirs: (T | undefined)[], wins: (i: number) => boolean): (T | undefined)[] {
  const out: (T | undefined)[] = [];
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
    out[i] = wins(i) ? (ours[i] ?? theirs[i]) : (theirs[i] ?? ours[i]);
  }
  return out;
}

/** ours and theirs merged; the page (view) is ours, the caller decides whether to move it. */
export function mergeStates(ours: LearnerState, theirs: LearnerState, oursWins: OursWins): LearnerState {
  const visited: boolean[] = [];
  for (let i = 0; i < Math.max(ours.visited.length, theirs.visited.length); i++) visited[i] = !!(ours.visited[i] || theirs.visited[i]);
  return {
    view: ours.view,
    visited,
    answers: pick(ours.answers, theirs.answers, (i) => oursWins('answer', i)),
    reflections: pick(ours.reflections, theirs.reflections, (i) => oursWins('reflection', i)),
  };
}

/**
 * A three-way rule for two copies that both grew from `base`: ours wins an item we
 * changed and they did not. When both changed it, theirs wins: the caller passes as
 * theirs the side that was confirmed later. Without a base (a copy written before
 * the base was kept), ours wins every item it has, as it did before.
 */
export function changedOnlyByUs(base: LearnerState | null, ours: LearnerState, theirs: LearnerState): OursWins {
  if (!base) return (item, i) => (item === 'answer' ? ours.answers[i] : ours.reflections[i]) !== undefined;
  return (item, i) => {
    const [b, o, t] = item === 'answer' ? [base.answers[i], ours.answers[i], theirs.answers[i]] : [base.reflections[i], ours.reflections[i], theirs.reflections[i]];
    return !same(o, b) && same(t, b);
  };
}
