// What the preview can play, per delivery target. Each entry names the package target
// it builds, how the launchable units are found in the built files, and the browser
// script that plays the LMS side. cmi5 and xAPI have a launcher backed by an embedded
// LRS (src/preview/lrs-preview.ts) instead of a SCORM API.
import { CoursepackError, problem } from '../errors.ts';
import type { TargetId } from '../package/targets.ts';
import type { PackageFiles } from '../package/zip.ts';
import { scorm12Launches, type ScoLaunch } from './manifest.ts';
import { cmi5Launches, xapiLaunches } from './lrs-launches.ts';

export type PreviewTargetId = 'scorm12' | 'cmi5' | 'xapi';
export const PREVIEW_TARGET_IDS: PreviewTargetId[] = ['scorm12', 'cmi5', 'xapi'];

export interface PreviewTarget {
  id: PreviewTargetId;
  /** The package target that is built for this preview. */
  packageTarget: TargetId;
  /**
   * Browser scripts of the player page, in load order: 'scorm-again' is the library's
   * own build; any other name is src/preview/client/<name>.ts, bundled at start-up.
   */
  scripts: string[];
  /** The launchable units (SCOs, AUs) of a built package, in course order. */
  launches(files: PackageFiles): ScoLaunch[];
  /** Launched by the embedded-LRS launcher (cmi5, Tin Can) rather than a SCORM API. */
  lrs?: 'xapi' | 'cmi5';
}

const AVAILABLE: Record<PreviewTargetId, PreviewTarget> = {
  scorm12: { id: 'scorm12', packageTarget: 'scorm12', scripts: ['scorm-again', 'scorm12-player'], launches: scorm12Launches },
  xapi: { id: 'xapi', packageTarget: 'xapi', scripts: ['lrs-player'], launches: xapiLaunches, lrs: 'xapi' },
  cmi5: { id: 'cmi5', packageTarget: 'cmi5', scripts: ['lrs-player'], launches: cmi5Launches, lrs: 'cmi5' },
};

/** The preview for a target id, or a CoursepackError saying why there is none. */
export function previewTarget(id: string): PreviewTarget {
  const found = Object.hasOwn(AVAILABLE, id) ? AVAILABLE[id as PreviewTargetId] : undefined;
  if (found) return found;
  throw new CoursepackError(
    problem('PREVIEW_TARGET_UNKNOWN', `unknown preview target '${id}' (expected one of: ${PREVIEW_TARGET_IDS.join(', ')})`, {
      hint: 'Use --target scorm12, xapi or cmi5.',
    }),
  );
}
