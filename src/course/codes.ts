// Catalogue of every problem code the course loader raises, with a one-line
// explanation. docs/course-format.md lists the same codes; a unit test keeps the
// two in step.
export const COURSE_CODES = {
  COURSE_NOT_FOUND: 'The course folder or its course.yaml does not exist.',
  COURSE_YAML: 'A YAML file (or page front matter) cannot be parsed: syntax error, bad indentation, duplicate key.',
  COURSE_SCHEMA: 'A field is missing, unknown, or has a value the format does not allow.',
  COURSE_MISSING_FILE: 'A file or folder named in course.yaml or module.yaml does not exist.',
  COURSE_PATH_ESCAPE: "A path leaves the course folder: '..', an absolute path, or a symbolic link to a file outside.",
  COURSE_FRONT_MATTER: 'A Markdown page does not start with a --- front matter block.',
  COURSE_DUPLICATE_ID: 'Two modules, pages, activities, questions, choices or glossary terms share an id.',
  COURSE_UNRESOLVED_TERM: 'A [[term]] link names no glossary entry.',
  COURSE_UNRESOLVED_ASSET: 'An image or link in a page points at a file that is not in the module\'s assets/ folder.',
  COURSE_EXTERNAL_IMAGE: 'An image is loaded from the web; packages must work offline inside an LMS.',
  COURSE_UNRESOLVED_ACTIVITY: "A page's activities list names an id that activities.yaml does not define.",
  COURSE_ACTIVITY_UNPLACED: 'An activity is defined but no page places it.',
  COURSE_ACTIVITY_PLACED_TWICE: 'An activity is placed on more than one page (or twice on one page).',
  COURSE_QUIZ_ANSWER: "A question's correct answer does not match its choices, or a fill-in answer is longer than maxLength.",
  COURSE_DUPLICATE_PAIR: 'A matching question uses the same source or target text twice.',
  COURSE_PASS_MARK: 'course.yaml sets passMark but no module has a scored quiz, so nobody could pass.',
  COURSE_RAW_HTML: 'A page contains raw HTML; pages are Markdown only and HTML would be shown as text.',
  COURSE_ASSET_NAME: 'An asset file name has characters that break in LMS packages (spaces, non-ASCII, …).',
  COURSE_IMAGE_ALT: 'Warning: an image has no alt text, so screen-reader users miss it.',
  COURSE_UNLISTED_PAGE: "Warning: a Markdown file in pages/ is not listed in module.yaml and will not be packaged.",
  COURSE_UNUSED_ASSET: 'Warning: a file in assets/ is not used by any page (it is still packaged).',
  COURSE_EMPTY_PAGE: 'Warning: a page has no body text.',
} as const;

export type CourseCode = keyof typeof COURSE_CODES;
