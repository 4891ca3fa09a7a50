// SCORM 1.2 target: one SCO per module, each in a folder named after the module,
// plus imsmanifest.xml (IMS CP 1.1.2 in the default namespace, ADL CP bound to the
// literal prefix `adlcp`, inline IMS MD 1.2 metadata) and the schema control
// documents at the package root, as SCORM 1.2 CAM asks.
import { create } from 'xmlbuilder2';
import { readFileSync } from 'node:fs';
import type { Course } from '../course/types.ts';
import type { PackageFiles } from './zip.ts';
import { itemId, manifestId, organizationId, resourceId } from './ids.ts';

export const NS_IMSCP = 'http://www.imsproject.org/xsd/imscp_rootv1p1p2';
export const NS_ADLCP = 'http://www.adlnet.org/xsd/adlcp_rootv1p2';
export const NS_IMSMD = 'http://www.imsglobal.org/xsd/imsmd_rootv1p2p1';
const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * The XSDs shipped at the package root (the schemaLocation hints point at them).
 * These are the unmodified ADL/IMS files; the patched imsmd variant is only used
 * by our own validator, never shipped.
 */
export const CONTROL_DOCUMENTS = ['imscp_rootv1p1p2.xsd', 'adlcp_rootv1p2.xsd', 'imsmd_rootv1p2p1.xsd', 'ims_xml.xsd'];

export interface ModuleFiles {
  moduleId: string;
  /** Files of the module, relative to the module folder. */
  files: PackageFiles;
}

export function moduleFolder(moduleId: string): string {
  return moduleId;
}

/** Builds imsmanifest.xml for the given course and the rendered files of each module. */
export function buildScorm12Manifest(course: Course, modules: ModuleFiles[]): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS_IMSCP, 'manifest', {
    identifier: manifestId(course.id, course.version),
    version: course.version,
    'xmlns:adlcp': NS_ADLCP,
    'xmlns:imsmd': NS_IMSMD,
    'xmlns:xsi': NS_XSI,
    'xsi:schemaLocation': [
      `${NS_IMSCP} imscp_rootv1p1p2.xsd`,
      `${NS_IMSMD} imsmd_rootv1p2p1.xsd`,
      `${NS_ADLCP} adlcp_rootv1p2.xsd`,
    ].join(' '),
  });

  const metadata = root.ele('metadata');
  metadata.ele('schema').txt('ADL SCORM');
  metadata.ele('schemaversion').txt('1.2');
  const lom = metadata.ele(NS_IMSMD, 'imsmd:lom');
  const general = lom.ele(NS_IMSMD, 'imsmd:general');
  general.ele(NS_IMSMD, 'imsmd:title').ele(NS_IMSMD, 'imsmd:langstring', { 'xml:lang': course.language }).txt(course.title);
  general.ele(NS_IMSMD, 'imsmd:language').txt(course.language);
  if (course.description) {
    general
      .ele(NS_IMSMD, 'imsmd:description')
      .ele(NS_IMSMD, 'imsmd:langstring', { 'xml:lang': course.language })
      .txt(course.description);
  }
  lom
    .ele(NS_IMSMD, 'imsmd:lifecycle')
    .ele(NS_IMSMD, 'imsmd:version')
    .ele(NS_IMSMD, 'imsmd:langstring', { 'xml:lang': course.language })
    .txt(course.version);

  const orgId = organizationId(course.id, course.version);
  const org = root.ele('organizations', { default: orgId }).ele('organization', { identifier: orgId });
  org.ele('title').txt(course.title);
  for (const m of modules) {
    const mod = course.modules.find((x) => x.id === m.moduleId)!;
    const item = org.ele('item', {
      identifier: itemId(course.id, mod.id),
      identifierref: resourceId(course.id, mod.id),
      isvisible: 'true',
    });
    item.ele('title').txt(mod.title);
    if (course.passMark !== undefined) item.ele(NS_ADLCP, 'adlcp:masteryscore').txt(String(course.passMark));
  }

  const resources = root.ele('resources');
  for (const m of modules) {
    const folder = moduleFolder(m.moduleId);
    const res = resources.ele('resource', {
      identifier: resourceId(course.id, m.moduleId),
      type: 'webcontent',
      'adlcp:scormtype': 'sco',
      href: `${folder}/index.html`,
    });
    for (const p of [...m.files.keys()].sort(byBytes)) res.ele('file', { href: `${folder}/${p}` });
  }
  return root.end({ prettyPrint: true, indent: '  ' }) + '\n';
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every file of the SCORM 1.2 package: manifest, control documents and module files. */
export function scorm12PackageFiles(course: Course, modules: ModuleFiles[], schemaDir: string): PackageFiles {
  const out: PackageFiles = new Map();
  out.set('imsmanifest.xml', Buffer.from(buildScorm12Manifest(course, modules), 'utf8'));
  for (const name of CONTROL_DOCUMENTS) out.set(name, readFileSync(`${schemaDir}/scorm12/${name}`));
  for (const m of modules) {
    for (const [p, data] of m.files) out.set(`${moduleFolder(m.moduleId)}/${p}`, data);
  }
  return out;
}
