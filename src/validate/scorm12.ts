// The SCORM 1.2 package rules: everything an LMS needs that the XSDs cannot see
// (manifest at the zip root, hrefs that resolve to files, identifiers that resolve,
// the literal `adlcp` prefix Moodle depends on, safe paths), plus the XSD run itself.
// Input is a package as zip-root-relative POSIX paths → bytes, whether it comes
// from our build (before zipping) or from a third party's zip (readZip).
//
// Severity follows what Moodle and Blackboard actually do with the package: anything
// that stops the import, breaks a launch or silently loses tracking is an error; things
// they tolerate are warnings. So a file no resource lists is a warning (PKG_UNLISTED_FILE):
// both LMSs unpack and serve the whole zip, and the CAM's "list every file" is advice
// that some repositories rely on. The build treats warnings as warnings too.
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import type { Problem } from '../errors.ts';
import { issue, type ValidationCode } from './codes.ts';
import { checkPackagePaths, isJunkPath, normalizeInside } from './paths.ts';
import { validateXsd } from './xsd.ts';

export const NS_IMSCP = 'http://www.imsproject.org/xsd/imscp_rootv1p1p2';
export const NS_ADLCP = 'http://www.adlnet.org/xsd/adlcp_rootv1p2';
const NS_IMSCP_2004 = 'http://www.imsglobal.org/xsd/imscp_v1p1';
const NS_ADLCP_2004 = 'http://www.adlnet.org/xsd/adlcp_v1p3';
const NS_XML = 'http://www.w3.org/XML/1998/namespace';

const MANIFEST = 'imsmanifest.xml';
/** At most this many PKG_UNLISTED_FILE warnings one by one; the rest are summed up. */
const UNLISTED_LIMIT = 20;

/**
 * Check a SCORM 1.2 package given as a map of zip-root-relative POSIX paths to bytes.
 * Returns every problem found (errors and warnings), sorted by file and line.
 */
export async function checkScorm12Package(files: Map<string, Buffer>): Promise<Problem[]> {
  const paths = [...files.keys()];
  const problems: Problem[] = checkPackagePaths(paths);

  const found = locateManifest(paths);
  problems.push(...found.problems);
  if (found.path === undefined) return sortProblems(problems);

  // When the manifest sits in a subfolder, check the rest as if that folder were the root,
  // so the user sees every other problem now rather than after re-zipping.
  const root = found.path.slice(0, found.path.length - MANIFEST.length);
  const inRoot = new Map<string, Buffer>();
  for (const [p, data] of files) if (p.startsWith(root)) inRoot.set(p.slice(root.length), data);
  const manifestName = found.path.slice(root.length);

  const bytes = inRoot.get(manifestName)!;
  const manifestProblems = await checkManifest(bytes, manifestName, inRoot);
  for (const p of manifestProblems) problems.push(root && p.file !== undefined ? { ...p, file: root + p.file } : p);
  return sortProblems(problems);
}

function locateManifest(paths: string[]): { path?: string; problems: Problem[] } {
  if (paths.includes(MANIFEST)) return { path: MANIFEST, problems: [] };
  const wrongCase = paths.find((p) => p.toLowerCase() === MANIFEST);
  if (wrongCase) {
    return {
      path: wrongCase,
      problems: [issue('PKG_MANIFEST_CASE', `the manifest is called "${wrongCase}", LMSs look for "${MANIFEST}"`, { file: wrongCase })],
    };
  }
  // Moodle's check: any path containing imsmanifest.xml means "in a subfolder".
  const nested = paths
    .filter((p) => p.toLowerCase().endsWith('/' + MANIFEST) && !isJunkPath(p))
    .sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  if (nested.length > 0) {
    const folder = nested[0].slice(0, nested[0].length - MANIFEST.length);
    return {
      path: nested[0],
      problems: [
        issue('PKG_MANIFEST_IN_SUBFOLDER', `imsmanifest.xml is in the folder "${folder}", not at the root of the zip`, {
          file: nested[0],
        }),
      ],
    };
  }
  return {
    problems: [issue('PKG_MANIFEST_MISSING', 'there is no imsmanifest.xml at the root of the package', { file: MANIFEST })],
  };
}

/** Decode the manifest as an XML parser would: BOM first, then the declared encoding, UTF-8 by default. */
function decodeManifest(bytes: Buffer, file: string): { text: string; problems: Problem[] } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), problems: [] };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), problems: [] };
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^?]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1];
  const isUtf8 = !declared || /^utf-?8$/i.test(declared);
  try {
    let text = new TextDecoder(isUtf8 ? 'utf-8' : declared, { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text, problems: [] };
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
    const bad = text.indexOf('\uFFFD');
    const line = bad >= 0 ? text.slice(0, bad).split('\n').length : undefined;
    const what = isUtf8 ? 'bytes that are not valid UTF-8' : `an encoding ("${declared}") that cannot be decoded`;
    return { text, problems: [issue('PKG_MANIFEST_ENCODING', `imsmanifest.xml contains ${what}`, { file, line })] };
  }
}

interface Parsed {
  doc?: Document;
  problems: Problem[];
}

function parseXml(text: string, file: string): Parsed {
  const problems: Problem[] = [];
  const onError = (level: string, msg: string, ctx?: { locator?: { lineNumber?: number; columnNumber?: number } }) => {
    if (level === 'warning') return;
    const loc = ctx?.locator;
    if (problems.length === 0) {
      problems.push(
        issue('MANIFEST_NOT_WELL_FORMED', msg.split('\n')[0], { file, line: loc?.lineNumber, column: loc?.columnNumber }),
      );
    }
  };
  try {
    const doc = new DOMParser({ onError }).parseFromString(text, 'text/xml');
    return { doc: problems.length ? undefined : doc, problems };
  } catch (err) {
    const e = err as Error & { locator?: { lineNumber?: number; columnNumber?: number } };
    if (problems.length === 0) {
      problems.push(
        issue('MANIFEST_NOT_WELL_FORMED', e.message.split('\n')[0], {
          file,
          line: e.locator?.lineNumber,
          column: e.locator?.columnNumber,
        }),
      );
    }
    return { problems };
  }
}

async function checkManifest(bytes: Buffer, file: string, files: Map<string, Buffer>): Promise<Problem[]> {
  if (bytes.length === 0) return [issue('PKG_MANIFEST_EMPTY', 'imsmanifest.xml has zero bytes', { file })];
  const decoded = decodeManifest(bytes, file);
  const problems = [...decoded.problems, ...numericCharRefs(decoded.text, file)];
  const parsed = parseXml(decoded.text, file);
  if (!parsed.doc) {
    // libxml2 (what most LMSs parse with) says where the document breaks more precisely than xmldom.
    const fromLibxml = (await validateXsd(decoded.text, 'scorm12', file)).filter((p) => p.code === 'MANIFEST_NOT_WELL_FORMED');
    return [...problems, ...(fromLibxml.length > 0 ? fromLibxml : parsed.problems)];
  }

  // The XSD run (a WASM worker) and the rules are independent; run them side by side.
  const [xsdProblems, ruleProblems] = await Promise.all([
    validateXsd(decoded.text, 'scorm12', file),
    Promise.resolve(checkManifestRules(parsed.doc, file, files)),
  ]);
  // xmldom forgives some faults libxml2 does not (a bare `&`); then the rules ran on a guess.
  const notWellFormed = xsdProblems.filter((p) => p.code === 'MANIFEST_NOT_WELL_FORMED');
  if (notWellFormed.length > 0) return [...problems, ...notWellFormed];
  problems.push(...ruleProblems, ...withoutDuplicates(xsdProblems, ruleProblems, decoded.text));
  return problems;
}

/**
 * Moodle rewrites every `&` not followed by 2–6 word characters and `;` into `&amp;`
 * before parsing (mod/scorm/datamodels/scormlib.php), so `&#233;` shows up as text.
 */
function numericCharRefs(text: string, file: string): Problem[] {
  const re = /&#x?[0-9a-fA-F]+;/g;
  const first = re.exec(text);
  if (!first) return [];
  const count = 1 + [...text.slice(re.lastIndex).matchAll(/&#x?[0-9a-fA-F]+;/g)].length;
  const line = text.slice(0, first.index).split('\n').length;
  return [
    issue('PKG_NUMERIC_CHARREF', `numeric character reference ${first[0]}${count > 1 ? ` (and ${count - 1} more)` : ''}`, {
      file,
      line,
    }),
  ];
}

// XSD errors that a rule above already reports, with a better message, on the same line.
const COVERED: Array<{ codes: ValidationCode[]; re: RegExp }> = [
  { codes: ['PKG_INVALID_ID', 'PKG_DUPLICATE_ID'], re: /xs:ID'/ },
  { codes: ['PKG_SCORMTYPE_INVALID', 'PKG_SCORMTYPE_MISSING'], re: /scormtype/i },
  { codes: ['PKG_MASTERYSCORE'], re: /masteryscore/ },
  { codes: ['PKG_ROOT_NAMESPACE'], re: /validation root/ },
  { codes: ['PKG_ADLCP_NAMESPACE'], re: /strict wildcard/ },
  { codes: ['PKG_SCHEMAVERSION', 'PKG_SCHEMA'], re: /schema/ },
];

function withoutDuplicates(xsd: Problem[], rules: Problem[], text: string): Problem[] {
  const lines = text.split('\n');
  // libxml2 reports an element on the line where its start tag ends, xmldom where it begins.
  const span = (r: Problem): [number, number] => {
    if (r.line === undefined) return [-1, -1];
    let end = r.line;
    let quote = '';
    for (let l = r.line - 1, c = (r.column ?? 1) - 1; l < lines.length; l++, c = 0) {
      for (; c < lines[l].length; c++) {
        const ch = lines[l][c];
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') return [r.line, l + 1];
      }
      end = l + 1;
    }
    return [r.line, end];
  };
  const spans = rules.map((r) => ({ r, span: span(r) }));
  return xsd.filter(
    (x) =>
      !COVERED.some(({ codes, re }) =>
        re.test(x.message) &&
        spans.some(
          ({ r, span: [from, to] }) =>
            codes.includes(r.code as ValidationCode) && x.line !== undefined && x.line >= from && x.line <= to,
        ),
      ),
  );
}

// ---------------------------------------------------------------------------
// Rules on the parsed manifest

const NCNAME = /^[\p{L}_][\p{L}\p{N}\p{M}._\-\u00B7]*$/u;

function nsOf(el: Element): string {
  return el.namespaceURI ?? '';
}

function children(el: Element, ns: string, name: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && nsOf(n as Element) === ns && (n as Element).localName === name) out.push(n as Element);
  }
  return out;
}

function descendants(el: Element | Document, ns: string, name: string): Element[] {
  return Array.from(el.getElementsByTagName('*')).filter((e) => nsOf(e) === ns && e.localName === name);
}

function lineOf(node: { lineNumber?: number }): number | undefined {
  return typeof node.lineNumber === 'number' ? node.lineNumber : undefined;
}

function columnOf(node: { columnNumber?: number }): number | undefined {
  return typeof node.columnNumber === 'number' ? node.columnNumber : undefined;
}

function allElements(doc: Document): Element[] {
  return Array.from(doc.getElementsByTagName('*'));
}

function checkManifestRules(doc: Document, file: string, files: Map<string, Buffer>): Problem[] {
  const problems: Problem[] = [];
  const at = (node: { lineNumber?: number; columnNumber?: number }) => ({ file, line: lineOf(node), column: columnOf(node) });
  const root = doc.documentElement;
  if (!root) return problems;

  if (root.localName !== 'manifest') {
    problems.push(
      issue('PKG_ROOT_NAMESPACE', `the root element is <${root.tagName}>, not <manifest>`, at(root)),
    );
    return problems;
  }
  // Run the rules in whatever namespace the manifest uses, so a wrong namespace is one problem, not fifty.
  const CP = root.namespaceURI ?? '';
  if (CP !== NS_IMSCP) {
    const what =
      CP === NS_IMSCP_2004
        ? `is in the SCORM 2004 namespace ${CP}`
        : CP === ''
          ? 'has no namespace'
          : `is in the namespace ${CP}`;
    problems.push(issue('PKG_ROOT_NAMESPACE', `<manifest> ${what}, not ${NS_IMSCP} (SCORM 1.2)`, at(root)));
  }

  problems.push(...checkPrefixes(doc, CP, at));
  problems.push(...checkMetadata(root, CP, at));
  problems.push(...checkIdentifiers(doc, at));

  const resourcesEl = children(root, CP, 'resources')[0];
  const resources = new Map<string, Element>();
  for (const r of resourcesEl ? children(resourcesEl, CP, 'resource') : []) {
    const id = r.getAttribute('identifier');
    if (id && !resources.has(id)) resources.set(id, r);
  }

  problems.push(...checkOrganizations(root, CP, resources, at));
  for (const ms of descendants(doc, NS_ADLCP, 'masteryscore')) {
    const value = (ms.textContent ?? '').trim();
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || n < 0 || n > 100) {
      problems.push(issue('PKG_MASTERYSCORE', `adlcp:masteryscore is "${value}", not a number from 0 to 100`, at(ms)));
    }
  }

  const listed = new Set<string>();
  const checkHref = hrefChecker(files, listed, problems, at);
  if (resourcesEl) problems.push(...checkResources(resourcesEl, CP, resources, checkHref, at));
  // adlcp:location names an external metadata file, relative to the manifest.
  for (const loc of descendants(doc, NS_ADLCP, 'location')) {
    const href = (loc.textContent ?? '').trim();
    if (href) checkHref(href, '', loc, 'adlcp:location', false);
  }
  problems.push(...scoApiUse(doc, CP, files, at));
  problems.push(...unlistedFiles(files, listed, file));
  return problems;
}

type At = (node: { lineNumber?: number; columnNumber?: number }) => { file: string; line?: number; column?: number };

function checkPrefixes(doc: Document, CP: string, at: At): Problem[] {
  const problems: Problem[] = [];
  const elements = allElements(doc);
  const prefixedCp = elements.find((e) => nsOf(e) === CP && e.prefix);
  if (prefixedCp) {
    const count = elements.filter((e) => nsOf(e) === CP && e.prefix).length;
    problems.push(
      issue(
        'PKG_IMSCP_PREFIX',
        `IMS CP element <${prefixedCp.tagName}> uses the prefix "${prefixedCp.prefix}" (${count} prefixed element${count === 1 ? '' : 's'}); IMS CP must be the default namespace`,
        at(prefixedCp),
      ),
    );
  }

  // Every element and attribute in the ADL namespace must be spelled adlcp:…
  const seenPrefixes = new Set<string>();
  const wrongNs = new Set<string>();
  for (const el of elements) {
    const nodes: Array<{ prefix: string | null; namespaceURI: string | null; name: string }> = [
      { prefix: el.prefix, namespaceURI: el.namespaceURI, name: el.tagName },
    ];
    for (const a of Array.from(el.attributes)) nodes.push({ prefix: a.prefix, namespaceURI: a.namespaceURI, name: a.name });
    for (const n of nodes) {
      if (n.namespaceURI === NS_ADLCP && n.prefix !== 'adlcp' && !seenPrefixes.has(n.prefix ?? '')) {
        seenPrefixes.add(n.prefix ?? '');
        problems.push(
          issue(
            'PKG_ADLCP_PREFIX',
            n.prefix
              ? `"${n.name}" binds the ADL namespace to the prefix "${n.prefix}"; Moodle only recognises "adlcp:"`
              : `"${n.name}" puts the ADL namespace in the default namespace; Moodle only recognises "adlcp:"`,
            at(el),
          ),
        );
      }
      if (n.prefix === 'adlcp' && n.namespaceURI !== NS_ADLCP && !wrongNs.has(n.namespaceURI ?? '')) {
        wrongNs.add(n.namespaceURI ?? '');
        problems.push(
          issue(
            'PKG_ADLCP_NAMESPACE',
            `the prefix "adlcp" is bound to ${n.namespaceURI}${n.namespaceURI === NS_ADLCP_2004 ? ' (SCORM 2004)' : ''}, not ${NS_ADLCP}`,
            at(el),
          ),
        );
      }
    }
  }
  return problems;
}

function checkMetadata(root: Element, CP: string, at: At): Problem[] {
  const metadata = children(root, CP, 'metadata')[0];
  if (!metadata) {
    return [
      issue('PKG_SCHEMAVERSION', '<manifest> has no <metadata> with <schema>ADL SCORM</schema> and <schemaversion>1.2</schemaversion>', at(root)),
    ];
  }
  const problems: Problem[] = [];
  const schema = children(metadata, CP, 'schema')[0];
  if (!schema) problems.push(issue('PKG_SCHEMA', '<metadata> has no <schema>ADL SCORM</schema>', at(metadata)));
  else if ((schema.textContent ?? '').trim() !== 'ADL SCORM') {
    problems.push(issue('PKG_SCHEMA', `<schema> is "${schema.textContent}", expected "ADL SCORM"`, at(schema)));
  }
  const version = children(metadata, CP, 'schemaversion')[0];
  if (!version) problems.push(issue('PKG_SCHEMAVERSION', '<metadata> has no <schemaversion>1.2</schemaversion>', at(metadata)));
  else if (version.textContent !== '1.2') {
    problems.push(issue('PKG_SCHEMAVERSION', `<schemaversion> is "${version.textContent}", expected exactly "1.2"`, at(version)));
  }
  return problems;
}

function checkIdentifiers(doc: Document, at: At): Problem[] {
  const problems: Problem[] = [];
  const first = new Map<string, Element>();
  for (const el of allElements(doc)) {
    if (!el.hasAttribute('identifier')) continue;
    const id = el.getAttribute('identifier') ?? '';
    if (!NCNAME.test(id)) {
      problems.push(issue('PKG_INVALID_ID', `<${el.localName}> identifier "${id}" is not a valid XML ID`, at(el)));
      continue;
    }
    if (id.length > 255) {
      problems.push(issue('PKG_ID_TOO_LONG', `<${el.localName}> identifier is ${id.length} characters long`, at(el)));
    }
    const earlier = first.get(id);
    if (earlier) {
      problems.push(
        issue(
          'PKG_DUPLICATE_ID',
          `identifier "${id}" on <${el.localName}> is already used by <${earlier.localName}> on line ${lineOf(earlier) ?? '?'}`,
          at(el),
        ),
      );
    } else {
      first.set(id, el);
    }
  }
  return problems;
}

function checkOrganizations(root: Element, CP: string, resources: Map<string, Element>, at: At): Problem[] {
  const problems: Problem[] = [];
  const orgsEl = children(root, CP, 'organizations')[0];
  const orgs = orgsEl ? children(orgsEl, CP, 'organization') : [];
  if (!orgsEl || orgs.length === 0) {
    problems.push(issue('PKG_NO_ORGANIZATION', 'the manifest has no <organization>', at(orgsEl ?? root)));
  } else {
    let defaultOrg: Element | undefined = orgs[0];
    const def = orgsEl.getAttribute('default');
    if (!orgsEl.hasAttribute('default')) {
      problems.push(issue('PKG_DEFAULT_ORG_UNSET', '<organizations> has no default attribute', at(orgsEl)));
    } else {
      defaultOrg = orgs.find((o) => o.getAttribute('identifier') === def);
      if (!defaultOrg) {
        const ids = orgs.map((o) => `"${o.getAttribute('identifier')}"`).join(', ');
        problems.push(issue('PKG_NO_DEFAULT_ORG', `default="${def}" matches no <organization> (organizations: ${ids})`, at(orgsEl)));
      }
    }
    if (defaultOrg) {
      const items = descendants(defaultOrg, CP, 'item');
      if (items.length === 0) {
        problems.push(issue('PKG_NO_ITEMS', `organization "${defaultOrg.getAttribute('identifier')}" has no <item>`, at(defaultOrg)));
      } else if (!items.some((i) => resources.get(i.getAttribute('identifierref') ?? '')?.getAttribute('href'))) {
        problems.push(
          issue('PKG_NO_LAUNCH', `no <item> in organization "${defaultOrg.getAttribute('identifier')}" references a resource with an href`, at(defaultOrg)),
        );
      }
    }
  }

  const ids = new Map<string, string>();
  for (const el of Array.from(root.getElementsByTagName('*'))) {
    const id = el.getAttribute('identifier');
    if (id) ids.set(id, el.localName ?? '');
  }
  for (const item of descendants(root, CP, 'item')) {
    if (!item.hasAttribute('identifierref')) continue;
    const ref = item.getAttribute('identifierref') ?? '';
    if (resources.has(ref)) continue;
    const other = ids.get(ref);
    problems.push(
      issue(
        'PKG_BAD_IDENTIFIERREF',
        `<item identifier="${item.getAttribute('identifier')}"> has identifierref="${ref}", ${other ? `which is an <${other}>, not a <resource>` : 'but no <resource> has that identifier'}`,
        at(item),
      ),
    );
  }
  return problems;
}

function xmlBase(el: Element | undefined): string {
  const b = el?.getAttributeNS(NS_XML, 'base') ?? '';
  return b && !b.endsWith('/') ? b + '/' : b;
}

const LAUNCHABLE = /\.(html?|xhtml)$/i;

type HrefCheck = (raw: string, base: string, el: Element, what: string, isLaunch: boolean) => void;

/** Resolve an href against the package: records the file as listed, or reports why it is not there. */
function hrefChecker(files: Map<string, Buffer>, listed: Set<string>, problems: Problem[], at: At): HrefCheck {
  const byLowerCase = new Map<string, string>();
  for (const p of files.keys()) byLowerCase.set(p.toLowerCase(), p);

  return (raw, base, el, what, isLaunch) => {
    const isUrl = (t: string) => /^[a-z][a-z0-9+.-]*:/i.test(t) && !/^[a-z]:/i.test(t);
    if (isUrl(raw) || isUrl(base)) {
      problems.push(issue('PKG_EXTERNAL_HREF', `${what} "${isUrl(raw) ? raw : base + raw}" is outside the package`, at(el)));
      return;
    }
    if (raw.includes('\\') || base.includes('\\')) {
      problems.push(issue('PKG_BACKSLASH', `${what} "${base}${raw}" uses backslashes`, at(el)));
      return;
    }
    // SCORM allows a query string (and a fragment) on a launch href; the file is the part before it.
    const pathPart = raw.replace(/[?#].*$/, '');
    let decoded = pathPart;
    try {
      decoded = decodeURIComponent(pathPart);
    } catch {
      // keep the raw text; a stray % is then looked up literally
    }
    const target = normalizeInside(base + decoded);
    if (target === null || /^[a-z]:/i.test(base + decoded)) {
      problems.push(issue('PKG_UNSAFE_PATH', `${what} "${base}${raw}" is absolute or leaves the package folder`, at(el)));
      return;
    }
    const literal = normalizeInside(base + pathPart);
    const hit = files.has(target) ? target : literal !== null && files.has(literal) ? literal : undefined;
    if (hit !== undefined) {
      listed.add(hit);
    } else {
      const near = byLowerCase.get(target.toLowerCase());
      if (near) {
        listed.add(near);
        problems.push(issue('PKG_CASE_MISMATCH', `${what} "${base}${raw}" does not match "${near}" in letter case`, at(el)));
      } else {
        const looked = target === base + raw ? '' : ` (looked for "${target}")`;
        problems.push(issue('PKG_MISSING_FILE', `${what} "${base}${raw}" is not in the package${looked}`, at(el)));
      }
    }
    if (isLaunch && !LAUNCHABLE.test(target)) {
      problems.push(issue('PKG_LAUNCH_NOT_HTML', `SCO launch ${what} "${raw}" is not an HTML page`, at(el)));
    }
  };
}

function checkResources(resourcesEl: Element, CP: string, resources: Map<string, Element>, checkHref: HrefCheck, at: At): Problem[] {
  const problems: Problem[] = [];

  const resourcesBase = xmlBase(resourcesEl);
  for (const r of children(resourcesEl, CP, 'resource')) {
    const id = r.getAttribute('identifier') ?? '';
    const label = `resource "${id}"`;
    let scormtype: string | null = r.getAttributeNS(NS_ADLCP, 'scormtype');
    if (scormtype === null) {
      const near = Array.from(r.attributes).find((a) => (a.localName ?? a.name).toLowerCase() === 'scormtype');
      problems.push(
        issue(
          'PKG_SCORMTYPE_MISSING',
          near
            ? `${label} has "${near.name}" but no adlcp:scormtype in the ADL SCORM 1.2 namespace`
            : `${label} has no adlcp:scormtype`,
          at(r),
        ),
      );
    } else if (scormtype !== 'sco' && scormtype !== 'asset') {
      problems.push(issue('PKG_SCORMTYPE_INVALID', `${label} has adlcp:scormtype="${scormtype}"`, at(r)));
      scormtype = scormtype.trim().toLowerCase();
    }
    const base = resourcesBase + xmlBase(r);
    const href = r.getAttribute('href');
    if (scormtype === 'sco' && !href) {
      problems.push(issue('PKG_SCO_NO_HREF', `SCO ${label} has no href (launch page)`, at(r)));
    }
    if (href) checkHref(href, base, r, `${label} href`, scormtype === 'sco');
    for (const f of children(r, CP, 'file')) {
      const fh = f.getAttribute('href');
      if (fh) checkHref(fh, base, f, '<file> href', false);
    }
    for (const d of children(r, CP, 'dependency')) {
      const ref = d.getAttribute('identifierref') ?? '';
      if (!resources.has(ref)) {
        problems.push(issue('PKG_BAD_DEPENDENCY', `${label} depends on "${ref}", which is not a <resource>`, at(d)));
      }
    }
  }
  return problems;
}

/**
 * A SCO must call LMSInitialize on the SCORM 1.2 API or the LMS records nothing. Minified
 * runtimes still contain the name, so a package in which no script or page mentions it
 * was most likely exported for another target (plain web, SCORM 2004's API_1484_11).
 */
function scoApiUse(doc: Document, CP: string, files: Map<string, Buffer>, at: At): Problem[] {
  const firstSco = descendants(doc, CP, 'resource').find((r) => r.getAttributeNS(NS_ADLCP, 'scormtype') === 'sco');
  if (!firstSco) return [];
  let uses2004 = false;
  for (const [path, data] of files) {
    if (!/\.(m?js|html?|xhtml)$/i.test(path)) continue;
    if (data.includes('LMSInitialize')) return [];
    if (data.includes('API_1484_11')) uses2004 = true;
  }
  const why = uses2004
    ? 'the package only talks to the SCORM 2004 API (API_1484_11), which a SCORM 1.2 LMS does not provide'
    : 'no page or script in the package calls LMSInitialize';
  return [issue('PKG_SCO_NO_API', `${why}, so nothing will be tracked`, at(firstSco))];
}

function unlistedFiles(files: Map<string, Buffer>, listed: Set<string>, manifest: string): Problem[] {
  const unlisted = [...files.keys()]
    .filter((p) => p !== manifest && !listed.has(p) && !isJunkPath(p))
    // The schema files SCORM packages carry at the root are control files, not content.
    .filter((p) => !/^[^/]+\.(xsd|dtd)$/i.test(p))
    .sort();
  const problems = unlisted
    .slice(0, UNLISTED_LIMIT)
    .map((p) => issue('PKG_UNLISTED_FILE', `"${p}" is in the package but no <resource> lists it`, { file: p }));
  if (unlisted.length > UNLISTED_LIMIT) {
    problems.push(
      issue('PKG_UNLISTED_FILE', `${unlisted.length - UNLISTED_LIMIT} more files are in the package but not listed in the manifest`, {
        file: manifest,
      }),
    );
  }
  return problems;
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const fa = a.p.file ?? '';
      const fb = b.p.file ?? '';
      if (fa !== fb) return fa < fb ? -1 : 1;
      return (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i;
    })
    .map(({ p }) => p);
}
