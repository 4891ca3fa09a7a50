// Problem codes raised by the build pipeline and the CLI themselves (the course
// loader and the package validator keep their own catalogues).
export const BUILD_CODES = {
  SUSPEND_DATA_BUDGET:
    "A module's worst-case suspend_data exceeds SCORM 1.2's 4096 characters, so an LMS could truncate a learner's saved progress. Split the module, or lower the maxLength of reflections and fill-in answers.",
  LRS_KEY_CAN_READ:
    'The LRS key for the scorm12 xAPI side channel can read statements. It would be in the package for anyone to use; use a write-only key, or set lrs.allowEmbeddedCredentials: true to accept the risk.',
  LRS_KEY_NOT_SCOPED:
    "The side channel's LRS key is not limited to this course's activity IRIs (its activity prefix must be the course iri). Create a key with --activity-prefix <iri>, or set lrs.allowEmbeddedCredentials: true.",
  LRS_KEY_CANNOT_WRITE: "The side channel's LRS key may not write statements, so the package could never report.",
  LRS_KEY_REFUSED: 'The LRS does not accept the side channel key and secret (wrong, or revoked).',
  LRS_UNREACHABLE: "The build could not reach the LRS to check the side channel's key (a warning with allowEmbeddedCredentials: true).",
  LRS_KEY_SCOPE_UNKNOWN: "*Warning*: the LRS is not coursepack's, so the build cannot tell which activities the key may write about.",
  EMBEDDED_CREDENTIALS: '*Warning*: the scorm12 package embeds an LRS key the build would otherwise refuse (allowEmbeddedCredentials: true); the message lists what anyone who unzips the package can do with it.',
  NOT_FOUND: 'A file or folder given on the command line does not exist.',
  INTERNAL: 'An unexpected failure inside coursepack (a bug): please report it with the course that triggers it.',
} as const;
