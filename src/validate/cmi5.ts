// Checks of a cmi5 package before it is zipped: cmi5.xml at the root, valid against
// the official CourseStructure.xsd (CMI5_XSD), plus what the XSD cannot see — ids are
// absolute IRIs and unique, each AU url is a file in the package and carries none of
// the launch parameters the LMS adds.
import type { Problem } from '../errors.ts';
import { issue } from './codes.ts';
import { isAbsoluteIri } from './iri.ts';
import { parseXml } from './tincan.ts';
import { validateXsd } from './xsd.ts';

export const CMI5_NS = 'https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd';
const FILE = 'cmi5.xml';
const LAUNCH_PARAMS = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];

export async function checkCmi5Package(files: Map<string, Buffer>): Promise<Problem[]> {
  const data = files.get(FILE);
  if (!data) return [issue('CMI5_MISSING', 'cmi5.xml is not at the root of the package', { file: FILE })];
  const xml = data.toString('utf8');
  const problems = await validateXsd(xml, 'cmi5', FILE);
  const { doc } = parseXml(xml);
  if (!doc) return problems;
  const seen = new Map<string, string>();
  const all = (name: string) => Array.from(doc.getElementsByTagNameNS(CMI5_NS, name));
  for (const el of [...all('course'), ...all('block'), ...all('au'), ...all('objective')]) {
    const id = el.getAttribute('id');
    const line = (el as unknown as { lineNumber?: number }).lineNumber;
    const at = line ? { file: FILE, line } : { file: FILE };
    if (id === null) continue; // the XSD reports a missing id
    if (!isAbsoluteIri(id)) problems.push(issue('CMI5_NOT_IRI', `<${el.localName}> id '${id}' is not an absolute IRI`, at));
    const before = seen.get(id);
    if (before) problems.push(issue('CMI5_DUPLICATE_ID', `id '${id}' of this <${el.localName}> is already used by a <${before}>`, at));
    seen.set(id, el.localName ?? '');
  }
  for (const au of all('au')) {
    const line = (au as unknown as { lineNumber?: number }).lineNumber;
    const at = line ? { file: FILE, line } : { file: FILE };
    const urlEl = Array.from(au.getElementsByTagNameNS(CMI5_NS, 'url'))[0];
    const url = (urlEl?.textContent ?? '').trim();
    if (!url) continue; // the XSD reports it
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) continue; // an AU hosted elsewhere: nothing to find in the zip
    const [path, query = ''] = url.split('#')[0]!.split('?');
    let decoded = path!;
    try {
      decoded = decodeURIComponent(path!);
    } catch {
      // keep as written
    }
    if (!files.has(path!) && !files.has(decoded)) {
      problems.push(issue('CMI5_AU_URL_MISSING', `AU ${au.getAttribute('id')} launches '${url}', which is not in the package`, at));
    }
    const names = new URLSearchParams(query);
    const clash = LAUNCH_PARAMS.filter((p) => names.has(p));
    if (clash.length) problems.push(issue('CMI5_AU_URL_PARAM', `AU url '${url}' already has ${clash.join(', ')}`, at));
  }
  return problems;
}
