// Rewrites the golden files from the current code. Run only on purpose
// (`npm run golden:update`) and review the diff like code.
import { writeFileSync } from 'node:fs';
import { buildScorm12Manifest } from '../src/package/scorm12.ts';
import { fixtureCourse, fixtureModuleFiles } from '../test/helpers/fixture-course.ts';

const course = fixtureCourse();
const xml = buildScorm12Manifest(
  course,
  course.modules.map((m) => ({ moduleId: m.id, files: fixtureModuleFiles(m.id) })),
);
writeFileSync(new URL('../test/fixtures/golden/scorm12-imsmanifest.golden.xml', import.meta.url), xml);
console.log('updated test/fixtures/golden/scorm12-imsmanifest.golden.xml');
