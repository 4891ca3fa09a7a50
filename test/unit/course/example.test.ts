// The example course in course/ is the product's showcase: it must load with no
// errors and no warnings, and cover everything issue 2 asks of it.
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../../src/course/index.ts';
import type { Quiz } from '../../../src/course/types.ts';

describe('example course', async () => {
  const { course, warnings } = await loadCourse('course');
  const mod = course.modules[0]!;

  it('loads without errors or warnings', () => {
    expect(warnings).toEqual([]);
    expect(course.id).toBe('patient-involvement');
    expect(course.version).toBe('1.0.0');
    expect(course.language).toBe('en-GB');
    expect(course.passMark).toBe(80);
    expect(course.feedback.email).toBe('faculty-development@example.org');
    expect(course.iri).toBe('https://coursepack.example/courses/patient-involvement');
  });

  it('has one module of 6–8 pages, each with a title and body', () => {
    expect(course.modules).toHaveLength(1);
    expect(mod.pages.length).toBeGreaterThanOrEqual(6);
    expect(mod.pages.length).toBeLessThanOrEqual(8);
    for (const p of mod.pages) {
      expect(p.title).not.toBe('');
      expect(p.markdown.trim().length).toBeGreaterThan(100);
      expect(p.file).toMatch(/^involving-patients\/pages\/.+\.md$/);
    }
  });

  it('has a reflection and a quiz with all five question types, each with feedback', () => {
    expect(mod.activities.some((a) => a.kind === 'reflection')).toBe(true);
    const quiz = mod.activities.find((a): a is Quiz => a.kind === 'quiz')!;
    expect(new Set(quiz.questions.map((q) => q.type))).toEqual(
      new Set(['single-choice', 'multiple-response', 'true-false', 'fill-in', 'matching']),
    );
    for (const q of quiz.questions) {
      expect(q.feedback.correct).not.toBe('');
      expect(q.feedback.incorrect).not.toBe('');
      expect(q.weighting).toBe(1);
    }
    const placed = mod.pages.flatMap((p) => p.activities).sort();
    expect(placed).toEqual(mod.activities.map((a) => a.id).sort());
  });

  it('links at least six glossary terms from its pages', () => {
    expect(mod.glossary.length).toBeGreaterThanOrEqual(6);
    const linked = new Set(
      mod.pages.flatMap((p) => [...p.markdown.matchAll(/\[\[(?:[^\]|]*\|)?([^\]|]+)\]\]/g)].map((m) => m[1])),
    );
    expect(linked.size).toBeGreaterThanOrEqual(6);
  });

  it('has further reading and an image asset used with alt text', () => {
    expect(mod.furtherReading.length).toBeGreaterThanOrEqual(3);
    expect(mod.assets.map((a) => a.path).sort()).toEqual(['assets/summary-handout.pdf', 'assets/two-streams.svg']);
    expect(mod.pages.some((p) => /!\[[^\]]{20,}\]\(assets\/two-streams\.svg\)/.test(p.markdown))).toBe(true);
  });
});
