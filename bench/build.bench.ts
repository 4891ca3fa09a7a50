// Build benchmark (issue 2). For generated courses of 10, 100 and 1000 pages (an image
// on every page, a question every five pages) it reports build wall time, peak memory
// (maxRSS of a child process that does only the build), package bytes, and the ratio
// of build time to a floor measured in the same run: deflating and writing the very
// same files the build produced, which no packager can beat. Also the runtime's
// JS+CSS gzipped and the worst-case suspend_data. Targets: 1000 pages ≤ 3× the floor;
// runtime ≤ 30 KB gzipped; suspend_data ≤ 4096 for 1000 pages and 200 questions.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { deflateRawSync, gzipSync } from 'node:zlib';
import AdmZip from 'adm-zip';
import { generateCourse } from '../src/course/generate.ts';

interface ChildResult {
  ms: number;
  maxRssMiB: number;
  bytes: number;
  path: string;
  suspendData: number;
  files: number;
}

function buildInChild(courseDir: string, outDir: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/build-child.ts', courseDir, outDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** Deflate every file of the package and write them out: the floor for any packager. */
function floorMs(files: Map<string, Buffer>, path: string): Promise<number> {
  const start = performance.now();
  const parts: Buffer[] = [];
  for (const data of files.values()) parts.push(deflateRawSync(data));
  return writeFile(path, Buffer.concat(parts)).then(() => performance.now() - start);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows: string[] = [];
for (const pages of [10, 100, 1000]) {
  const root = await mkdtemp(join(tmpdir(), `cp-bench-${pages}-`));
  const courseDir = join(root, 'course');
  await generateCourse(courseDir, { pages, questionEvery: 5, images: true });
  const runs = pages >= 1000 ? 3 : 5;
  const builds: ChildResult[] = [];
  const floors: number[] = [];
  for (let i = 0; i < runs; i++) {
    const b = buildInChild(courseDir, join(root, 'out'));
    builds.push(b);
    const zip = new AdmZip(await readFile(b.path));
    const files = new Map(zip.getEntries().map((e) => [e.entryName, e.getData()]));
    floors.push(await floorMs(files, join(root, 'floor.bin')));
  }
  const ms = median(builds.map((b) => b.ms));
  const floor = median(floors);
  const last = builds[builds.length - 1];
  rows.push(
    `| ${pages} | ${ms.toFixed(0)} ms | ${floor.toFixed(1)} ms | ${(ms / floor).toFixed(2)}× | ${Math.max(...builds.map((b) => b.maxRssMiB)).toFixed(0)} MiB | ${(last.bytes / 1024).toFixed(0)} KiB | ${last.files} | ${last.suspendData} |`,
  );
  await rm(root, { recursive: true, force: true });
}

console.log('\nBuild (scorm12 target; median of runs; floor = deflate + write the same files, same run)\n');
console.log('| pages | build | floor | build/floor | peak RSS | zip | files | suspend_data worst case |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);

// Runtime size: the JS and CSS every module ships, gzipped (level 9, as servers do).
{
  const root = await mkdtemp(join(tmpdir(), 'cp-bench-rt-'));
  await generateCourse(join(root, 'course'), { pages: 10, questionEvery: 5, images: false });
  const b = buildInChild(join(root, 'course'), join(root, 'out'));
  const zip = new AdmZip(await readFile(b.path));
  let js = 0;
  let css = 0;
  for (const e of zip.getEntries()) {
    if (e.entryName.endsWith('/coursepack.js')) js = gzipSync(e.getData(), { level: 9 }).length;
    if (e.entryName.endsWith('/coursepack.css')) css = gzipSync(e.getData(), { level: 9 }).length;
  }
  console.log(`\nRuntime gzipped: JS ${(js / 1024).toFixed(1)} KiB + CSS ${(css / 1024).toFixed(1)} KiB = ${((js + css) / 1024).toFixed(1)} KiB (budget 30 KiB)`);
  await rm(root, { recursive: true, force: true });
}
