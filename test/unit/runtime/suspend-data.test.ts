// The suspend_data codec: round trips, the worst case is a true maximum, and bad
// data (corrupt, old version, other module structure) is ignored rather than fatal.
import { describe, expect, it } from 'vitest';
import {
  decodeSuspendData,
  encodeSuspendData,
  fillKeep,
  worstCaseLength,
  type Answer,
  type LearnerState,
  type SuspendLayout,
} from '../../../src/runtime/suspend-data.ts';
import { suspendLayout } from '../../../src/render/view.ts';
import { suspendDataWorstCase } from '../../../src/render/index.ts';
import { generatedCourse, sampleCourse } from '../../helpers/sample-course.ts';

const layout: SuspendLayout = {
  views: 80,
  pages: 70,
  questions: [
    { t: 'single', n: 4 },
    { t: 'multi', n: 9 },
    { t: 'tf' },
    { t: 'fill', keep: 32, answers: ['Dignity', 'dignity day'], cs: false },
    { t: 'match', n: 5 },
    { t: 'single', n: 70 },
  ],
  reflections: [300, 70],
  fp: 'AbC9',
};

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function randomState(r: () => number, full = false): LearnerState {
  const pick = (n: number) => Math.floor(r() * n);
  const text = (max: number) => {
    const alphabet = 'aZ 9.|;:"\n\u00e9\u4e2d\ud83d\ude00';
    let s = '';
    const len = full ? max : pick(max + 1);
    while (s.length < len) s += alphabet[pick(alphabet.length)];
    return s;
  };
  const answers = layout.questions.map((q): Answer | undefined => {
    if (!full && r() < 0.3) return undefined;
    switch (q.t) {
      case 'single':
        return pick(q.n);
      case 'multi':
        return Array.from({ length: q.n }, (_, i) => i).filter(() => full || r() < 0.5);
      case 'tf':
        return r() < 0.5;
      case 'fill':
        return full ? 'x'.repeat(200) : text(q.keep).trim().replace(/\s+/g, ' ');
      case 'match':
        return Array.from({ length: q.n }, () => (!full && r() < 0.2 ? null : pick(q.n)));
    }
  });
  return {
    view: full ? layout.views - 1 : pick(layout.views),
    visited: Array.from({ length: layout.pages }, () => full || r() < 0.5),
    answers,
    reflections: layout.reflections.map((max) => (!full && r() < 0.3 ? undefined : text(max))),
  };
}

describe('suspend_data codec', () => {
  it('round-trips random learner states exactly', () => {
    const r = rng(42);
    for (let i = 0; i < 300; i++) {
      const state = randomState(r);
      const encoded = encodeSuspendData(layout, state);
      const decoded = decodeSuspendData(layout, encoded)!;
      expect(decoded).not.toBeNull();
      expect(decoded.view).toBe(state.view);
      expect(decoded.visited).toEqual(state.visited.slice(0, layout.pages));
      expect(decoded.answers).toEqual(state.answers);
      expect(decoded.reflections).toEqual(state.reflections);
    }
  });

  it('stores a right fill-in answer as the accepted answer it matches, a wrong one trimmed', () => {
    const state: LearnerState = { view: 0, visited: [], answers: [undefined, undefined, undefined, '  DIGNITY DAY '], reflections: [] };
    expect(decodeSuspendData(layout, encodeSuspendData(layout, state))!.answers[3]).toBe('dignity day');
    state.answers[3] = '  some   wrong answer ';
    expect(decodeSuspendData(layout, encodeSuspendData(layout, state))!.answers[3]).toBe('some wrong answer');
    state.answers[3] = 'w'.repeat(90);
    expect(decodeSuspendData(layout, encodeSuspendData(layout, state))!.answers[3]).toBe('w'.repeat(32));
  });

  it('keeps more of a wrong fill-in answer than the longest accepted one, so clipping cannot make it right', () => {
    expect(fillKeep(100, ['short'])).toBe(32);
    expect(fillKeep(100, ['a'.repeat(50)])).toBe(51);
    expect(fillKeep(20, ['abc'])).toBe(20);
  });

  it('never exceeds the worst case, and a maximal state reaches it exactly', () => {
    const worst = worstCaseLength(layout);
    const r = rng(7);
    for (let i = 0; i < 300; i++) expect(encodeSuspendData(layout, randomState(r)).length).toBeLessThanOrEqual(worst);
    const full = randomState(r, true);
    expect(encodeSuspendData(layout, full).length).toBe(worst);
    expect(decodeSuspendData(layout, encodeSuspendData(layout, full))).not.toBeNull();
  });

  it('clips reflections without splitting a surrogate pair', () => {
    const state: LearnerState = { view: 0, visited: [], answers: [], reflections: [undefined, 'a'.repeat(69) + '\ud83d\ude00'] };
    const decoded = decodeSuspendData(layout, encodeSuspendData(layout, state))!;
    expect(decoded.reflections[1]).toBe('a'.repeat(69));
  });

  it('ignores empty, corrupt, truncated, foreign-version and other-structure data without throwing', () => {
    const good = encodeSuspendData(layout, randomState(rng(3)));
    expect(decodeSuspendData(layout, '')).toBeNull();
    expect(decodeSuspendData(layout, 'garbage')).toBeNull();
    expect(decodeSuspendData(layout, '2' + good.slice(1))).toBeNull();
    expect(decodeSuspendData({ ...layout, fp: 'ZZZZ' }, good)).toBeNull();
    expect(decodeSuspendData(layout, good + 'x')).toBeNull();
    for (let cut = 6; cut < good.length; cut += 3) expect(() => decodeSuspendData(layout, good.slice(0, cut))).not.toThrow();
    expect(decodeSuspendData(layout, good.slice(0, good.length - 1))).toBeNull();
    const r = rng(9);
    for (let i = 0; i < 500; i++) {
      const chars = good.split('');
      chars[6 + Math.floor(r() * (chars.length - 6))] = String.fromCharCode(32 + Math.floor(r() * 200));
      expect(() => decodeSuspendData(layout, chars.join(''))).not.toThrow();
    }
    expect(decodeSuspendData(layout, undefined as unknown as string)).toBeNull();
  });
});

describe('suspend_data worst case for real modules', () => {
  it('the sample module reports its exact maximum', () => {
    const c = sampleCourse();
    const m = c.modules[0];
    const lay = suspendLayout(c, m, 'scorm12');
    const full: LearnerState = {
      view: lay.views - 1,
      visited: m.pages.map(() => true),
      answers: [2, [0, 1, 2], true, 'x'.repeat(40), [0, 1, 2]],
      reflections: ['r'.repeat(500)],
    };
    expect(encodeSuspendData(lay, full).length).toBe(suspendDataWorstCase(c, m));
  });

  it('a generated 1000-page, 200-question module fits in 4096 characters', () => {
    const c = generatedCourse(1000, 200);
    const worst = suspendDataWorstCase(c, c.modules[0]);
    expect(suspendLayout(c, c.modules[0], 'scorm12').questions).toHaveLength(200);
    expect(worst).toBeLessThanOrEqual(4096);
    expect(worst).toBeGreaterThan(1000 / 6);
  });
});
