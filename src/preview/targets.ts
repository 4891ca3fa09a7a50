// What the preview can play, per delivery target. Each entry names the package target
// it builds, how the launchable units are found in the built files, and the browser
// script that plays the LMS side. cmi5 and xAPI get their entries (a launcher backed by
// the embedded LRS from src/lrs/server.ts) once those package targets exist.
import { CoursepackError, problem } from '../errors.ts';
import type { TargetId } from '../package/targets.ts';
import type { PackageFiles } from '../package/zip.ts';
import { scorm12Launches, type ScoLaunch } from './manifest.ts';

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
}

const AVAILABLE: Partial<Record<PreviewTargetId, PreviewTarget>> = {
  scorm12: { id: 'scorm12', packageTarget: 'scorm12', scripts: ['scorm-again', 'scorm12-player'], launches: scorm12Launches },
};

/** The preview for a target id, or a CoursepackError saying why there is none. */
export function previewTarget(id: string): PreviewTarget {
  const found = AVAILABLE[id as PreviewTargetId];
  if (found) return found;
  if ((PREVIEW_TARGET_IDS as string[]).includes(id)) {
    throw new CoursepackError(
      problem('PREVIEW_TARGET_UNAVAILABLE', `preview for '${id}' is not available yet; only scorm12 can be previewed`, {
        hint: `The ${id} package target does not exist yet. Use --target scorm12.`,
      }),
    );
  }
  throw new CoursepackError(
    problem('PREVIEW_TARGET_UNKNOWN', `unknown preview target '${id}' (expected one of: ${PREVIEW_TARGET_IDS.join(', ')})`, {
      hint: 'Use --target scorm12.',
    }),
  );
}
