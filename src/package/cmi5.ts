// cmi5 course structure (cmi5.xml): one AU per module, in the namespace of the
// official CourseStructure.xsd. moveOn follows the course: with a pass mark the AU
// must be completed and passed; without one, completed.
import { create } from 'xmlbuilder2';
import type { Course } from '../course/types.ts';
import { courseActivityId, moduleActivityId } from './activity-ids.ts';
import { moduleFolder } from './scorm12.ts';

export const NS_CMI5 = 'https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd';

export function buildCmi5Xml(course: Course): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS_CMI5, 'courseStructure');
  const c = root.ele('course', { id: courseActivityId(course) });
  text(c.ele('title'), course.title, course.language);
  text(c.ele('description'), course.description || course.title, course.language);
  for (const m of course.modules) {
    const attrs: Record<string, string> = {
      id: moduleActivityId(course, m),
      moveOn: course.passMark !== undefined ? 'CompletedAndPassed' : 'Completed',
      launchMethod: 'AnyWindow',
    };
    // cmi5 masteryScore is a decimal 0..1; the course pass mark is a percentage.
    if (course.passMark !== undefined) attrs.masteryScore = String(course.passMark / 100);
    const au = root.ele('au', attrs);
    text(au.ele('title'), m.title, course.language);
    text(au.ele('description'), m.description || m.title, course.language);
    au.ele('url').txt(`${moduleFolder(m.id)}/index.html`);
  }
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
}

function text(parent: ReturnType<ReturnType<typeof create>['ele']>, value: string, lang: string): void {
  parent.ele('langstring', { lang }).txt(value);
}
