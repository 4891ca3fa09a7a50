// SCORM 1.2 data formats: CMITimespan, CMITime, CMIDecimal, CMIIdentifier and the
// interaction records (type, student_response, correct_responses pattern, result).
// Pure so the unit tests pin down exactly what an LMS receives.
import type { Answer } from './suspend-data.ts';
import type { QuestionData } from './module-data.ts';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** CMITimespan HHHH:MM:SS.SS (hours capped at 9999 so they never exceed 4 digits). */
export function timespan(ms: number): string {
  let cs = Math.max(0, Math.round(ms / 10));
  const max = (9999 * 3600 + 59 * 60 + 59) * 100 + 99;
  if (cs > max) cs = max;
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${pad(h, 4)}:${pad(m, 2)}:${pad(s, 2)}.${pad(cs % 100, 2)}`;
}

/** CMITime HH:MM:SS, the learner's local time of day. */
export function cmiTime(d: Date): string {
  return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}`;
}

/** CMIDecimal without exponent, at most 2 decimals. */
export function decimal(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** CMIIdentifier: printable ASCII without spaces, at most 255 characters. */
export function identifier(s: string): string {
  return s.replace(/[^\x21-\x7e]/g, '_').slice(0, 255) || '_';
}

// SCORM 1.2 response formats use single characters for choices and match targets.
const CHOICE = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SOURCE = '123456789abcdefghijklmnopqrstuvwxyz';
const choice = (i: number): string => CHOICE[i] ?? String(i);
const source = (i: number): string => SOURCE[i] ?? String(i);

export function normalise(s: string, caseSensitive: boolean): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return caseSensitive ? t : t.toLowerCase();
}

export function isCorrect(q: QuestionData, a: Answer): boolean {
  switch (q.type) {
    case 'single-choice':
      return a === q.correct;
    case 'multiple-response': {
      const got = (a as number[]).slice().sort((x, y) => x - y);
      return got.length === q.correct.length && got.every((v, i) => v === [...q.correct].sort((x, y) => x - y)[i]);
    }
    case 'true-false':
      return a === q.correct;
    case 'fill-in':
      return q.answers.some((ok) => normalise(ok, q.caseSensitive) === normalise(a as string, q.caseSensitive));
    case 'matching':
      return (a as (number | null)[]).every((t, i) => t === i) && (a as unknown[]).length === q.pairs;
  }
}

export interface InteractionRecord {
  id: string;
  type: 'choice' | 'true-false' | 'fill-in' | 'matching';
  student_response: string;
  pattern: string;
  result: 'correct' | 'wrong';
  weighting: string;
}

function fillText(s: string): string {
  // CMIFeedback is at most 255 characters.
  return s.slice(0, 255);
}

export function interaction(q: QuestionData, a: Answer): InteractionRecord {
  const base = { id: identifier(q.iid), result: isCorrect(q, a) ? 'correct' : 'wrong', weighting: decimal(Math.min(100, Math.max(-100, q.weighting))) } as const;
  switch (q.type) {
    case 'single-choice':
      return { ...base, type: 'choice', student_response: choice(a as number), pattern: choice(q.correct) };
    case 'multiple-response':
      return {
        ...base,
        type: 'choice',
        student_response: (a as number[]).slice().sort((x, y) => x - y).map(choice).join(','),
        pattern: q.correct.slice().sort((x, y) => x - y).map(choice).join(','),
      };
    case 'true-false':
      return { ...base, type: 'true-false', student_response: a ? 't' : 'f', pattern: q.correct ? 't' : 'f' };
    case 'fill-in':
      return { ...base, type: 'fill-in', student_response: fillText(String(a).trim()), pattern: fillText(q.answers[0] ?? '') };
    case 'matching': {
      const got = a as (number | null)[];
      const pairs = (list: (number | null)[]): string =>
        list.map((t, i) => (t === null ? '' : `${source(i)}.${choice(t)}`)).filter(Boolean).join(',');
      return {
        ...base,
        type: 'matching',
        student_response: pairs(got),
        pattern: pairs(Array.from({ length: q.pairs }, (_, i) => i)),
      };
    }
  }
}
