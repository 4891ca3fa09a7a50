// Problem codes the preview raises itself (build problems keep their own codes from
// the course loader, the build and the package validator).
export const PREVIEW_CODES = {
  PREVIEW_NO_COURSE: 'The folder given to coursepack preview does not exist or is not a folder.',
  PREVIEW_TARGET_UNKNOWN: 'The --target value is not a delivery target the preview knows.',
  PREVIEW_NO_MANIFEST: 'The built package has no imsmanifest.xml (scorm12), tincan.xml (xapi) or cmi5.xml (cmi5), so there is nothing to launch.',
  PREVIEW_NO_SCO: "The manifest's default organization has no item that launches a resource (or tincan.xml no launch page, cmi5.xml no AU).",
} as const;

export type PreviewCode = keyof typeof PREVIEW_CODES;
