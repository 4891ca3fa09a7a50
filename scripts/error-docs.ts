// Builds docs/errors.md, the one list of every problem code coursepack can raise,
// from the catalogues in the code. `npm run docs:errors` rewrites it; a unit test
// fails when the file and the catalogues drift apart.
import { COURSE_CODES } from '../src/course/codes.ts';
import { CODES } from '../src/validate/codes.ts';
import { BUILD_CODES } from '../src/package/codes.ts';
import { PREVIEW_CODES } from '../src/preview/codes.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function errorDocs(): string {
  const out: string[] = [
    '# Problem codes',
    '',
    'Every problem coursepack reports has one of these codes. The CLI prints',
    '`file:line:column  CODE  field: message` followed by a hint; `--json` gives the same as objects',
    '`{ code, severity, message, file, line, column, path, hint }`.',
    '',
    'This file is generated from the catalogues in `src/` by `npm run docs:errors`.',
    '',
    '## Course source (`coursepack build`, `coursepack validate <course-dir>`)',
    '',
    '| code | meaning |',
    '|---|---|',
    ...Object.entries(COURSE_CODES).map(([c, m]) => `| \`${c}\` | ${cell(m)} |`),
    '',
    '## Build',
    '',
    '| code | meaning |',
    '|---|---|',
    ...Object.entries(BUILD_CODES).map(([c, m]) => `| \`${c}\` | ${cell(m)} |`),
    '',
    '## Preview (`coursepack preview`)',
    '',
    '| code | meaning |',
    '|---|---|',
    ...Object.entries(PREVIEW_CODES).map(([c, m]) => `| \`${c}\` | ${cell(m)} |`),
    '',
    '## Packages (`coursepack validate <package.zip>`, and every build before zipping)',
    '',
    '| code | severity | problem | what to do |',
    '|---|---|---|---|',
    ...Object.entries(CODES).map(([c, i]) => `| \`${c}\` | ${i.severity} | ${cell(i.title)} | ${cell(i.hint)} |`),
    '',
  ];
  return out.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../docs/errors.md', import.meta.url), errorDocs());
  console.log('updated docs/errors.md');
}
