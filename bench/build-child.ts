// Child process of bench/build.bench.ts: builds one course (scorm12) and prints one
// JSON line, so peak memory (maxRSS) belongs to the build alone.
import { buildCourse } from '../src/package/build.ts';

const [courseDir, outDir] = process.argv.slice(2);
const start = performance.now();
const report = await buildCourse({ courseDir, outDir, targets: ['scorm12'] });
const ms = performance.now() - start;
const a = report.artifacts[0];
console.log(
  JSON.stringify({
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    bytes: a.bytes,
    path: a.path,
    suspendData: report.suspendData.worstCase,
    files: report.files,
  }),
);
