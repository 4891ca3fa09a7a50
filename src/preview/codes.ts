// Problem codes the preview raises itself (build problems keep their own codes from
// the course loader, the build and the package validator).
export const PREVIEW_CODES = {
  PREVIEW_NO_COURSE: 'The folder given to coursepack preview does not exist or is not a folder.',
  PREVIEW_TARGET_UNAVAILABLE: 'The preview for this target (cmi5, xapi) is not available yet; use --target scorm12.',
  PREVIEW_TARGET_UNKNOWN: 'The --target value is not a delivery target the preview knows.',
  PREVIEW_NO_MANIFEST: 'The built SCORM 1.2 package has no imsmanifest.xml, so there is nothing to launch.',
  PREVIEW_NO_SCO: "The manifest's default organization has no item that launches a resource.",
} as const;

export type PreviewCode = keyof typeof PREVIEW_CODES;
