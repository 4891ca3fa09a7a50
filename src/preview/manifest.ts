// Reads the launchable SCOs out of a built SCORM 1.2 package the way an LMS does:
// from imsmanifest.xml (default organization → items → resources), not from the
// course source, so the preview also exercises the manifest the zip will carry.
import { DOMParser, type Element } from '@xmldom/xmldom';
import { CoursepackError, problem } from '../errors.ts';
import type { PackageFiles } from '../package/zip.ts';

export interface ScoLaunch {
  /** The item identifier in the manifest. */
  id: string;
  title: string;
  /** Launch path inside the package, with the item's parameters appended. */
  href: string;
  /** adlcp:masteryscore, passed to the SCO as cmi.student_data.mastery_score. */
  masteryScore?: string;
  /** adlcp:datafromlms, passed to the SCO as cmi.launch_data. */
  launchData?: string;
}

const children = (el: Element, name: string): Element[] =>
  Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && ((n as Element).localName === name));
const text = (el: Element | undefined): string | undefined => (el ? (el.textContent ?? '').trim() : undefined);

export function scorm12Launches(files: PackageFiles): ScoLaunch[] {
  const xml = files.get('imsmanifest.xml');
  if (!xml) throw new CoursepackError(problem('PREVIEW_NO_MANIFEST', 'the package has no imsmanifest.xml', { file: 'imsmanifest.xml' }));
  const doc = new DOMParser().parseFromString(xml.toString('utf8'), 'text/xml');
  const root = doc.documentElement!;
  const resources = new Map<string, Element>();
  const resourcesEl = children(root, 'resources')[0];
  const base = resourcesEl?.getAttribute('xml:base') ?? '';
  for (const r of resourcesEl ? children(resourcesEl, 'resource') : []) resources.set(r.getAttribute('identifier') ?? '', r);

  const orgs = children(root, 'organizations')[0];
  const all = orgs ? children(orgs, 'organization') : [];
  const org = all.find((o) => o.getAttribute('identifier') === orgs?.getAttribute('default')) ?? all[0];
  const out: ScoLaunch[] = [];
  const walk = (el: Element): void => {
    for (const item of children(el, 'item')) {
      const ref = item.getAttribute('identifierref');
      const res = ref ? resources.get(ref) : undefined;
      if (res && res.getAttribute('href')) {
        const params = item.getAttribute('parameters') ?? '';
        const href = base + (res.getAttribute('xml:base') ?? '') + res.getAttribute('href') + params;
        out.push({
          id: item.getAttribute('identifier') ?? ref!,
          title: text(children(item, 'title')[0]) ?? ref!,
          href,
          masteryScore: text(children(item, 'masteryscore')[0]),
          launchData: text(children(item, 'datafromlms')[0]),
        });
      }
      walk(item);
    }
  };
  if (org) walk(org);
  if (!out.length) {
    throw new CoursepackError(problem('PREVIEW_NO_SCO', 'the manifest has no item that launches a resource', { file: 'imsmanifest.xml' }));
  }
  return out;
}
