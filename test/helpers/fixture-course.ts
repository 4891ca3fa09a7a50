// A small hand-built Course (two modules) for packager tests that must not depend on
// the example course's text, so golden files change only when the packager does.
import type { Course, Module } from '../../src/course/types.ts';

function module(id: string, title: string): Module {
  return {
    id,
    title,
    dir: `modules/${id}`,
    pages: [
      { id: 'intro', title: 'Introduction', required: true, file: `modules/${id}/pages/intro.md`, markdown: '# Hi', bodyLine: 4, activities: [] },
    ],
    activities: [],
    glossary: [],
    furtherReading: [],
    assets: [],
  };
}

export function fixtureCourse(overrides: Partial<Course> = {}): Course {
  return {
    dir: '/nonexistent/fixture',
    id: 'fixture-course',
    iri: 'https://coursepack.example/courses/fixture-course',
    title: 'Fixture & <Course>',
    version: '2.1.0',
    language: 'en-GB',
    description: 'A course used by the packager tests.',
    authors: [{ name: 'Test Author' }],
    organisation: 'Test Faculty',
    completion: 'all-required-pages',
    passMark: 75,
    feedback: { rating: true, scormComments: true, email: 'feedback@example.org' },
    modules: [module('first-module', 'First module'), module('second-module', 'Second: "quoted"')],
    ...overrides,
  };
}

export function fixtureModuleFiles(moduleId: string): Map<string, Buffer> {
  return new Map([
    ['index.html', Buffer.from(`<!doctype html><title>${moduleId}</title>`)],
    ['print.html', Buffer.from('<!doctype html><title>print</title>')],
    ['coursepack.js', Buffer.from('void 0;')],
    ['coursepack.css', Buffer.from('body{}')],
    ['assets/diagram.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
  ]);
}
