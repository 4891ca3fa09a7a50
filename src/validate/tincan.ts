// Structural check of tincan.xml, run on every xAPI package before it is zipped. No
// official XSD is published any more, so this checks what Rustici-based players
// (Blackboard's "Tin Can package") rely on: the file at the zip root, a <tincan> root
// in the Tin Can namespace, exactly one launchable activity whose launch file is in
// the package, and absolute IRIs as activity ids.
import { DOMParser, type Element } from '@xmldom/xmldom';
import type { Problem } from '../errors.ts';
import { issue } from './codes.ts';
import { isAbsoluteIri } from './iri.ts';

export const TINCAN_NS = 'http://projecttincan.com/tincan.xsd';
const FILE = 'tincan.xml';

/** Parses XML, collecting well-formedness errors instead of throwing. */
export function parseXml(xml: string): { doc: ReturnType<DOMParser['parseFromString']> | null; errors: { message: string; line?: number }[] } {
  const errors: { message: string; line?: number }[] = [];
  const parser = new DOMParser({
    onError: (level: string, message: string) => {
      if (level !== 'warning') errors.push({ message: String(message).split('\n')[0]!, line: lineOf(String(message)) });
    },
  });
  try {
    const doc = parser.parseFromString(xml, 'text/xml');
    return { doc: errors.length ? null : doc, errors };
  } catch (e) {
    const message = (e as Error).message;
    if (!errors.length) errors.push({ message: message.split('\n')[0]!, line: lineOf(message) });
    return { doc: null, errors };
  }
}

function lineOf(message: string): number | undefined {
  const m = /line:?\s*(\d+)/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

function children(parent: Element, name: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === TINCAN_NS) out.push(n as Element);
  }
  return out;
}

/** Checks tincan.xml inside the package files (paths relative to the zip root). */
export function checkTincanPackage(files: Map<string, Buffer>): Problem[] {
  const data = files.get(FILE);
  if (!data) return [issue('TINCAN_MISSING', 'tincan.xml is not at the root of the package', { file: FILE })];
  const { doc, errors } = parseXml(data.toString('utf8'));
  if (!doc) return errors.map((e) => issue('TINCAN_NOT_WELL_FORMED', e.message, e.line ? { file: FILE, line: e.line } : { file: FILE }));
  const root = doc.documentElement;
  if (!root || root.localName !== 'tincan' || root.namespaceURI !== TINCAN_NS) {
    const got = root ? `<${root.tagName}>${root.namespaceURI ? ` in ${root.namespaceURI}` : ' in no namespace'}` : 'nothing';
    return [issue('TINCAN_ROOT', `the root element is ${got}, expected <tincan> in ${TINCAN_NS}`, { file: FILE })];
  }
  const lists = children(root, 'activities');
  if (lists.length !== 1) return [issue('TINCAN_ROOT', `<tincan> must hold one <activities> list, found ${lists.length}`, { file: FILE })];
  const problems: Problem[] = [];
  const activities = children(lists[0]!, 'activity');
  const launchable: { id: string; launch: string }[] = [];
  const seen = new Set<string>();
  for (const a of activities) {
    const id = a.getAttribute('id');
    const line = (a as unknown as { lineNumber?: number }).lineNumber;
    const at = line ? { file: FILE, line } : { file: FILE };
    if (!isAbsoluteIri(id)) {
      problems.push(issue('TINCAN_ACTIVITY_ID', id ? `activity id '${id}' is not an absolute IRI` : 'an <activity> has no id', at));
    } else if (seen.has(id!)) {
      problems.push(issue('TINCAN_ACTIVITY_ID', `activity id '${id}' is used twice`, at));
    }
    if (id) seen.add(id);
    for (const l of children(a, 'launch')) launchable.push({ id: id ?? '', launch: (l.textContent ?? '').trim() });
  }
  if (launchable.length !== 1) {
    problems.push(issue('TINCAN_LAUNCH', `${launchable.length} activities have a <launch> element; exactly one must`, { file: FILE }));
  }
  for (const l of launchable) {
    const path = l.launch.split(/[?#]/)[0]!;
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // not percent-encoded
    }
    if (!path || (!files.has(path) && !files.has(decoded))) {
      problems.push(issue('TINCAN_LAUNCH_MISSING', `the launch file '${l.launch}' of ${l.id} is not in the package`, { file: FILE }));
    }
  }
  return problems;
}
