// tincan.xml for xAPI ("Tin Can") packages as Rustici-based players (Blackboard among
// them) read it: the launchable course activity and one activity per module. No
// official XSD is published any more, so src/validate checks it structurally.
import { create } from 'xmlbuilder2';
import type { Course } from '../course/types.ts';
import { courseActivityId, moduleActivityId } from './activity-ids.ts';

export const NS_TINCAN = 'http://projecttincan.com/tincan.xsd';
export const TYPE_COURSE = 'http://adlnet.gov/expapi/activities/course';
export const TYPE_MODULE = 'http://adlnet.gov/expapi/activities/module';

export function buildTincanXml(course: Course, launch = 'index.html'): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS_TINCAN, 'tincan');
  const list = root.ele('activities');
  const c = list.ele('activity', { id: courseActivityId(course), type: TYPE_COURSE });
  c.ele('name', { lang: course.language }).txt(course.title);
  c.ele('description', { lang: course.language }).txt(course.description || course.title);
  c.ele('launch', { lang: course.language }).txt(launch);
  for (const m of course.modules) {
    const a = list.ele('activity', { id: moduleActivityId(course, m), type: TYPE_MODULE });
    a.ele('name', { lang: course.language }).txt(m.title);
    a.ele('description', { lang: course.language }).txt(m.description || m.title);
  }
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
}
