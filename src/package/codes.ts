// Problem codes raised by the build pipeline and the CLI themselves (the course
// loader and the package validator keep their own catalogues).
export const BUILD_CODES = {
  SUSPEND_DATA_BUDGET:
    "A module's worst-case suspend_data exceeds SCORM 1.2's 4096 characters, so an LMS could truncate a learner's saved progress. Split the module, or lower the maxLength of reflections and fill-in answers.",
  NOT_FOUND: 'A file or folder given on the command line does not exist.',
  INTERNAL: 'An unexpected failure inside coursepack (a bug): please report it with the course that triggers it.',
} as const;
