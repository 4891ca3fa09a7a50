// Reads what an LMS launches out of a built xAPI or cmi5 package, as an LMS does: the
// course activity and its launch page from tincan.xml, the AUs from cmi5.xml — not from
// the course source, so the preview exercises the files the zip will carry.
import { DOMParser, type Element } from '@xmldom/xmldom';
import { CoursepackError, problem } from '../errors.ts';
import type { PackageFiles } from '../package/zip.ts';
import type { ScoLaunch } from './manifest.ts';

/** A launchable unit of an xAPI (tincan) or cmi5 package. `id` is the activity (or AU publisher) id. */
export interface LrsLaunch extends ScoLaunch {
  /** The course IRI: LRS keys of the preview are scoped to it. */
  courseIri: string;
  /** cmi5 moveOn of the AU. */
  moveOn?: string;
}

const elements = (el: Element, name: string): Element[] => Array.from(el.getElementsByTagNameNS('*', name));
const text = (el: Element | undefined): string => (el ? (el.textContent ?? '').trim() : '');

function parse(files: PackageFiles, name: string): Element {
  const xml = files.get(name);
  if (!xml) throw new CoursepackError(problem('PREVIEW_NO_MANIFEST', `the package has no ${name}`, { file: name }));
  return new DOMParser().parseFromString(xml.toString('utf8'), 'text/xml').documentElement!;
}

/** tincan.xml: the activity with a launch element (the course) is what the LMS launches. */
export function xapiLaunches(files: PackageFiles): LrsLaunch[] {
  const root = parse(files, 'tincan.xml');
  const out: LrsLaunch[] = [];
  for (const a of elements(root, 'activity')) {
    const launch = text(elements(a, 'launch')[0]);
    if (!launch) continue;
    const id = a.getAttribute('id') ?? '';
    out.push({ id, title: text(elements(a, 'name')[0]) || id, href: launch, courseIri: id });
  }
  if (!out.length) throw new CoursepackError(problem('PREVIEW_NO_SCO', 'tincan.xml has no activity with a launch page', { file: 'tincan.xml' }));
  return out;
}

/** cmi5.xml: every AU, in course order, with its moveOn and masteryScore. */
export function cmi5Launches(files: PackageFiles): LrsLaunch[] {
  const root = parse(files, 'cmi5.xml');
  const courseIri = elements(root, 'course')[0]?.getAttribute('id') ?? '';
  const out: LrsLaunch[] = elements(root, 'au').map((au) => ({
    id: au.getAttribute('id') ?? '',
    title: text(elements(elements(au, 'title')[0] ?? au, 'langstring')[0]) || (au.getAttribute('id') ?? ''),
    href: text(elements(au, 'url')[0]),
    courseIri,
    moveOn: au.getAttribute('moveOn') ?? undefined,
    masteryScore: au.getAttribute('masteryScore') ?? undefined,
  }));
  if (!out.length) throw new CoursepackError(problem('PREVIEW_NO_SCO', 'cmi5.xml has no AU', { file: 'cmi5.xml' }));
  return out;
}
