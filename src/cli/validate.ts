// `coursepack validate <course-dir | package.zip> [--json]`
// A course folder is checked by a full in-memory build (nothing written); a zip —
// ours or anyone's — is checked the way Moodle and Blackboard will read it.
import { parseArgs } from 'node:util';
import { stat } from 'node:fs/promises';
import { buildCourse } from '../package/build.ts';
import { TARGET_IDS } from '../package/targets.ts';
import { validateScorm12Zip } from '../validate/index.ts';
import type { Problem } from '../errors.ts';
import { plural, printProblems, problemsOf } from './output.ts';

const HELP = `Usage: coursepack validate <course-dir | package.zip> [--json]

A course folder: checks the source and every package it would produce, writing nothing.
A .zip: checks a SCORM 1.2 package as Moodle and Blackboard will (manifest at the
root, official XSDs, every referenced file present, identifiers, unsafe paths); a zip
with cmi5.xml (cmi5) or tincan.xml (xAPI / Tin Can) at the root gets the checks of
that format instead (CourseStructure.xsd, AU urls, launch file, absolute IRIs).

Exit codes: 0 valid (warnings allowed), 1 problems found, 2 bad usage.`;

export async function validatePath(path: string): Promise<{ kind: 'course' | 'zip'; problems: Problem[] }> {
  const info = await stat(path);
  if (info.isDirectory()) {
    try {
      const report = await buildCourse({ courseDir: path, targets: [...TARGET_IDS] });
      return { kind: 'course', problems: report.warnings };
    } catch (err) {
      return { kind: 'course', problems: problemsOf(err) };
    }
  }
  return { kind: 'zip', problems: await validateScorm12Zip(path) };
}

export async function runValidate(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (args.values.help) {
      console.log(HELP);
      return 0;
    }
    if (args.positionals.length !== 1) throw new Error('expected one course folder or .zip file');
  } catch (err) {
    console.error(`coursepack validate: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const target = args.positionals[0];
  let result;
  try {
    result = await validatePath(target);
  } catch (err) {
    const problems = problemsOf(err);
    if (args.values.json) console.log(JSON.stringify({ ok: false, path: target, problems }, null, 2));
    else printProblems(problems);
    return 1;
  }
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (args.values.json) {
    console.log(JSON.stringify({ ok: errors.length === 0, path: target, kind: result.kind, problems: result.problems }, null, 2));
  } else {
    printProblems(result.problems, errors.length ? process.stderr : process.stdout);
    const what = result.kind === 'zip' ? 'package' : 'course';
    if (errors.length) console.error(`${target}: ${what} is not valid (${plural(errors.length, 'error')})`);
    else console.log(`${target}: ${what} is valid`);
  }
  return errors.length ? 1 : 0;
}
