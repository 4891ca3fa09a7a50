// Child process of bench/build.bench.ts: one fresh process per measurement, so the
// first build is truly cold (module loading, schema compiles, the runtime bundle, JIT)
// as a user running the CLI sees it. It builds the course (scorm12, or the targets given) once cold, then
// `warm` more times in the same process, and prints one JSON line: times, the phases
// of each build (from the build's progress messages), peak memory and the artifact.
import { buildCourse, type BuildReport } from '../src/package/build.ts';
import type { TargetId } from '../src/package/targets.ts';

const [courseDir, outDir, warmArg, targetsArg] = process.argv.slice(2);
// scorm12 by default; a comma-separated list otherwise (all of them is what `coursepack build` does without --target).
const targets = (targetsArg ?? 'scorm12').split(',') as TargetId[];
const warmRuns = Number(warmArg ?? 2);
// Module loading of the build pipeline (tsx compiles the TypeScript sources on the way).
const importedAt = performance.now();

/** Phase → ms, from the progress messages buildCourse emits at each stage boundary. */
type Phases = Record<string, number>;
const PHASE_OF: Array<[RegExp, string]> = [
  [/^loading /, 'load'],
  [/^rendering /, 'render'],
  [/^packaging /, 'package'],
  [/^validating /, 'validate'],
  [/^zipping /, 'zip+write'],
];

/** CPU time (user + system, all threads of this process, the XSD worker included) in ms. */
const cpuMs = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

async function timedBuild(): Promise<{ ms: number; cpuMs: number; phases: Phases; report: BuildReport }> {
  const cpuStart = process.cpuUsage();
  const phases: Phases = {};
  let current: string | undefined;
  let since = performance.now();
  let cpuSince = process.cpuUsage();
  const start = since;
  const enter = (phase: string | undefined) => {
    const now = performance.now();
    if (current) {
      phases[current] = (phases[current] ?? 0) + (now - since);
      phases[`${current} cpu`] = (phases[`${current} cpu`] ?? 0) + cpuMs(cpuSince);
    }
    current = phase;
    since = now;
    cpuSince = process.cpuUsage();
  };
  const report = await buildCourse({
    courseDir,
    outDir,
    targets,
    onProgress: (m) => {
      const phase = PHASE_OF.find(([re]) => re.test(m))?.[1];
      if (phase && phase !== current) enter(phase);
    },
  });
  enter(undefined);
  return { ms: performance.now() - start, cpuMs: cpuMs(cpuStart), phases, report };
}

const cold = await timedBuild();
// performance.now() counts from process start: this is what `coursepack build` costs
// a user up to the moment the zip is written (Node start-up and tsx included).
const processMs = performance.now();
const coldRssMiB = process.resourceUsage().maxRSS / 1024;
const processCpuMs = cpuMs();
const warm: { ms: number; cpuMs: number; phases: Phases }[] = [];
for (let i = 0; i < warmRuns; i++) {
  // No forced gc() between builds: a full collection on demand also throws away
  // compiled code and shrinks the heap, which made the next build twice as slow
  // (1000 pages: 238 ms instead of 114 ms) — no long-running process does that.
  const w = await timedBuild();
  warm.push({ ms: w.ms, cpuMs: w.cpuMs, phases: w.phases });
}
const a = cold.report.artifacts[0];
console.log(
  JSON.stringify({
    importMs: importedAt,
    processMs,
    coldMs: cold.ms,
    coldCpuMs: cold.cpuMs,
    processCpuMs,
    coldPhases: cold.phases,
    warm,
    coldRssMiB,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    bytes: a.bytes,
    path: a.path,
    paths: cold.report.artifacts.map((x) => x.path),
    suspendData: cold.report.suspendData.worstCase,
    files: cold.report.files,
  }),
);
