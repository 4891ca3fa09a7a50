// One module folder: module.yaml, its Markdown pages, activities.yaml,
// glossary.yaml, reading.yaml and assets/. Builds the typed Module and checks every
// reference between these files (images, [[terms]], activity placement, answers).
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { problem, type Problem } from '../errors.ts';
import type { Activity, Asset, GlossaryTerm, Module, Page, Question, Reading, Choice } from './types.ts';
import { readSourceFile, readYamlFile, type LoadContext } from './files.ts';
import { parseYaml, locate, type SourceYaml } from './yaml.ts';
import { validateSchema } from './schema.ts';
import { isWithin, resolveInsideSync, reasonText, unsafeReason, type Resolved } from './paths.ts';
import { scanMarkdown, splitFrontMatter } from './markdown.ts';
import { didYouMean } from './suggest.ts';
import { asArray, asBool, asNumber, asObject, asString } from './values.ts';

const ID_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Characters that survive zip entries, manifest hrefs and URLs unescaped in every LMS. */
const SAFE_ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type Where = { file: string; line?: number; column?: number; path?: string };

function at(src: SourceYaml, segments: (string | number)[], pathText?: string, mode: 'key' | 'value' = 'value'): Where {
  const p = locate(src, segments, mode);
  return { file: src.file, line: p.line, column: p.column, ...(pathText ? { path: pathText } : {}) };
}

export interface LoadedModule {
  module: Module;
  /** Where module.yaml sets the id, for problems found at course level. */
  idAt: Where;
}

export async function loadModule(ctx: LoadContext, folder: string): Promise<LoadedModule | undefined> {
  const problems = ctx.problems;
  const modSrc = await readYamlFile(ctx, `${folder}/module.yaml`, 'module', { required: true });
  const assets = await scanAssets(ctx, folder);
  const glossarySrc = await readYamlFile(ctx, `${folder}/glossary.yaml`, 'glossary', { required: false });
  const readingSrc = await readYamlFile(ctx, `${folder}/reading.yaml`, 'reading', { required: false });
  const activitiesSrc = await readYamlFile(ctx, `${folder}/activities.yaml`, 'activities', { required: false });
  // A file that exists but could not be parsed: its references cannot be checked,
  // and reporting every one as unresolved would bury the real (syntax) error.
  const glossaryBroken = isBroken(glossarySrc, `${folder}/glossary.yaml`, 'terms', problems);
  const activitiesBroken = isBroken(activitiesSrc, `${folder}/activities.yaml`, 'activities', problems);

  const glossary = glossarySrc ? toGlossary(glossarySrc, problems) : [];
  const furtherReading = readingSrc ? toReading(readingSrc) : [];
  const activities = activitiesSrc ? toActivities(activitiesSrc, problems) : [];
  if (!modSrc) return undefined;

  const m = asObject(modSrc.data);
  const pages: Page[] = [];
  const listed = new Set<string>();
  const pageSources = new Map<Page, SourceYaml | undefined>();
  // Pages whose front matter could not be parsed: what they place is unknown.
  let placementUnknown = false;
  const entries = asArray(m.pages);
  const jobs: { rel: string; norm: string; listedAt: Where }[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (typeof entry !== 'string' || !entry.endsWith('.md')) continue;
    const listedAt = at(modSrc, ['pages', i], `pages[${i}]`);
    const unsafe = unsafeReason(entry);
    if (unsafe) {
      const { message, hint } = reasonText(unsafe, entry);
      problems.push(problem('COURSE_PATH_ESCAPE', message, { ...listedAt, hint: hint + ' Page paths are relative to the module folder, e.g. pages/01-intro.md.' }));
      continue;
    }
    const rel = `${folder}/${entry}`;
    const norm = path.posix.normalize(rel);
    if (listed.has(norm)) {
      problems.push(problem('COURSE_DUPLICATE_ID', `page file '${entry}' is listed twice`, { ...listedAt, hint: 'List each page once.' }));
      continue;
    }
    listed.add(norm);
    jobs.push({ rel, norm, listedAt });
  }
  const texts = jobs.map((j) => readSourceFile(ctx, j.rel, { required: true, listedAt: j.listedAt }));
  jobs.forEach((job, k) => {
    const text = texts[k];
    if (text === undefined) return;
    const loaded = loadPage(job.norm, text, problems);
    pages.push(loaded.page);
    pageSources.set(loaded.page, loaded.fm);
    if (loaded.unparsed) placementUnknown = true;
  });
  await warnUnlistedPages(ctx, folder, listed);

  const mod: Module = {
    id: asString(m.id),
    title: asString(m.title),
    ...(typeof m.description === 'string' ? { description: m.description } : {}),
    dir: folder,
    pages,
    activities,
    glossary,
    furtherReading,
    assets: [...assets.files.values()],
  };

  checkUniquePages(pages, pageSources, problems);
  checkPageReferences(folder, pages, glossary, glossaryBroken, assets, problems);
  checkPlacement(pages, pageSources, activities, placementUnknown ? undefined : activitiesSrc, activitiesBroken, problems);
  return { module: mod, idAt: at(modSrc, ['id'], 'id') };
}

/** Present but unreadable, or without its list: nothing in it can be resolved against. */
function isBroken(src: SourceYaml | undefined, file: string, listKey: string, problems: Problem[]): boolean {
  if (!src) return problems.some((p) => p.file === file && p.severity === 'error');
  return !Array.isArray(asObject(src.data)[listKey]);
}

// ---------------------------------------------------------------- pages

function loadPage(file: string, text: string, problems: Problem[]): { page: Page; fm?: SourceYaml; unparsed?: boolean } {
  const split = splitFrontMatter(text);
  const base = path.posix.basename(file, '.md');
  const page: Page = { id: base, title: '', required: true, file, markdown: split.body, bodyLine: split.bodyLine, activities: [] };
  if (split.yaml === undefined) {
    problems.push(
      problem('COURSE_FRONT_MATTER', 'page has no front matter', {
        file, line: 1, column: 1,
        hint: 'Start the page with a block like:\n---\ntitle: Page title\n---',
      }),
    );
    return { page };
  }
  const { source: fm, problems: yamlProblems } = parseYaml(split.yaml, file, split.yamlLine - 1);
  problems.push(...yamlProblems);
  if (fm.data === undefined && yamlProblems.some((p) => p.severity === 'error')) return { page, unparsed: true };
  problems.push(...validateSchema('page', fm, fm.data ?? {}));
  const d = asObject(fm.data);
  page.title = asString(d.title);
  page.required = asBool(d.required, true);
  page.activities = asArray(d.activities).filter((x): x is string => typeof x === 'string');
  if (typeof d.id === 'string') page.id = d.id;
  else if (!ID_RE.test(base)) {
    problems.push(
      problem('COURSE_SCHEMA', `the file name '${base}' is not a valid page id`, {
        file, line: split.yamlLine, column: 1, path: 'id',
        hint: "Add an 'id:' of lower-case letters, digits and hyphens to the front matter, or rename the file.",
      }),
    );
  }
  if (!split.body.trim()) {
    problems.push(problem('COURSE_EMPTY_PAGE', 'page has no text after its front matter', {
        severity: 'warning', file, line: split.bodyLine, column: 1,
        hint: 'Write the page content below the closing ---, or remove the page from module.yaml.',
      }));
  }
  return { page, fm };
}

async function warnUnlistedPages(ctx: LoadContext, folder: string, listed: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(path.join(ctx.root, folder, 'pages'));
  } catch {
    return;
  }
  for (const n of names.sort()) {
    const rel = `${folder}/pages/${n}`;
    if (n.endsWith('.md') && !listed.has(rel)) {
      ctx.problems.push(
        problem('COURSE_UNLISTED_PAGE', `'pages/${n}' is not listed in module.yaml and will not be included`, {
          severity: 'warning', file: rel,
          hint: `Add '- pages/${n}' to pages in ${folder}/module.yaml, or delete the file.`,
        }),
      );
    }
  }
}

function pageIdWhere(page: Page, fm: SourceYaml | undefined): Where {
  return fm && typeof asObject(fm.data).id === 'string'
    ? at(fm, ['id'], 'id')
    : { file: page.file, line: 1, column: 1 };
}

function checkUniquePages(pages: Page[], sources: Map<Page, SourceYaml | undefined>, problems: Problem[]): void {
  const seen = new Map<string, Page>();
  for (const p of pages) {
    const first = seen.get(p.id);
    if (first) {
      problems.push(
        problem('COURSE_DUPLICATE_ID', `page id '${p.id}' is also used by ${first.file}`, {
          ...pageIdWhere(p, sources.get(p)),
          hint: 'Page ids must be unique within a module; change one of them.',
        }),
      );
    } else seen.set(p.id, p);
  }
}

// ---------------------------------------------------------------- assets

interface AssetScan {
  files: Map<string, Asset>;
  /** Asset paths that are symlinks pointing outside the course (not packaged). */
  escaped: Set<string>;
  used: Set<string>;
}

async function scanAssets(ctx: LoadContext, folder: string): Promise<AssetScan> {
  const scan: AssetScan = { files: new Map(), escaped: new Set(), used: new Set() };
  const walk = async (relInModule: string): Promise<void> => {
    const dir = path.join(ctx.root, folder, relInModule);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Dotfiles (.DS_Store, editor swap files) never belong in a package.
    const visible = entries.filter((e) => !e.name.startsWith('.'));
    // A plain file (not a link) in a folder that is itself inside the course is inside the
    // course: it needs a stat, not a realpath of its own. Links and folders are resolved.
    let dirReal: string | undefined;
    try {
      dirReal = realpathSync.native(dir);
      if (!isWithin(ctx.rootReal, dirReal)) dirReal = undefined;
    } catch {
      dirReal = undefined;
    }
    const resolved = visible.map((e): Resolved => {
      if (dirReal !== undefined && e.isFile()) {
        const real = path.join(dirReal, e.name);
        return { ok: true, abs: path.join(dir, e.name), real, isDir: false, bytes: statSync(real).size };
      }
      return resolveInsideSync(ctx.rootReal, ctx.root, `${folder}/${relInModule}/${e.name}`);
    });
    for (let k = 0; k < visible.length; k++) {
      const e = visible[k]!;
      const r = resolved[k]!;
      const rel = `${relInModule}/${e.name}`;
      const courseRel = `${folder}/${rel}`;
      if (!r.ok) {
        if (r.reason === 'symlink-escape') scan.escaped.add(rel);
        else if (r.reason === 'missing' && e.isSymbolicLink()) {
          ctx.problems.push(problem('COURSE_MISSING_FILE', `'${rel}' is a symbolic link to a file that does not exist`, { file: courseRel, hint: 'Remove the link or copy the file in.' }));
        }
        continue;
      }
      if (r.isDir) {
        await walk(rel);
        continue;
      }
      if (!SAFE_ASSET_NAME.test(e.name)) {
        ctx.problems.push(
          problem('COURSE_ASSET_NAME', `asset name '${e.name}' has characters that break in LMS packages`, {
            file: courseRel,
            hint: 'Rename it using only letters, digits, dots, hyphens and underscores (no spaces), e.g. two-streams.svg.',
          }),
        );
      }
      scan.files.set(rel, { path: rel, source: r.real, bytes: r.bytes });
    }
  };
  await walk('assets');
  return scan;
}

// ---------------------------------------------------------------- page references

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

function checkPageReferences(
  folder: string,
  pages: Page[],
  glossary: GlossaryTerm[],
  glossaryBroken: boolean,
  assets: AssetScan,
  problems: Problem[],
): void {
  const termIds = new Set(glossary.map((g) => g.id));
  const escapedReported = new Set<string>();
  for (const page of pages) {
    for (const ref of scanMarkdown(page.markdown)) {
      const where: Where = { file: page.file, line: page.bodyLine + ref.line - 1, column: ref.column };
      if (ref.kind === 'html') {
        problems.push(
          problem('COURSE_RAW_HTML', `raw HTML '${ref.target.slice(0, 40)}' is not allowed in pages`, {
            ...where,
            hint: 'Use Markdown instead (e.g. **bold**, lists, ![alt](assets/x.png)); pages are rendered with HTML switched off, so it would show as text.',
          }),
        );
      } else if (ref.kind === 'term') {
        if (glossaryBroken) continue;
        if (!termIds.has(ref.target)) {
          problems.push(
            problem('COURSE_UNRESOLVED_TERM', `glossary term '${ref.target}' is not defined`, {
              ...where,
              hint:
                didYouMean(ref.target, termIds) ??
                (termIds.size
                  ? `Add it to ${folder}/glossary.yaml or use one of: ${[...termIds].join(', ')}.`
                  : `Add a ${folder}/glossary.yaml with a term whose id is '${ref.target}'.`),
            }),
          );
        }
      } else {
        const target = ref.target;
        if (ref.kind === 'link' && (target.startsWith('#') || /^(https?|mailto|tel):/i.test(target))) continue;
        if (ref.kind === 'image' && (SCHEME.test(target) || target.startsWith('//'))) {
          problems.push(
            problem('COURSE_EXTERNAL_IMAGE', `image '${target.slice(0, 60)}' is not a file in the module`, {
              ...where,
              hint: 'Packages must work offline inside an LMS: save the image into assets/ and refer to it as assets/name.ext.',
            }),
          );
          continue;
        }
        if (ref.kind === 'link' && SCHEME.test(target)) {
          problems.push(problem('COURSE_UNRESOLVED_ASSET', `link '${target}' uses an unsupported address type`, { ...where, hint: 'Links may go to https://, http:// or mailto: addresses, to #anchors, or to files in assets/.' }));
          continue;
        }
        const clean = target.replace(/[?#].*$/, '');
        const bad = unsafeReason(clean);
        if (bad) {
          const { message, hint } = reasonText(bad, clean);
          problems.push(problem('COURSE_PATH_ESCAPE', message, { ...where, hint: hint + ' Image and file paths are relative to the module folder, e.g. assets/diagram.svg.' }));
          continue;
        }
        const norm = path.posix.normalize(clean);
        if (ref.kind === 'link' && norm.endsWith('.md')) {
          problems.push(
            problem('COURSE_UNRESOLVED_ASSET', `link to '${clean}': links between pages are not supported`, {
              ...where,
              hint: 'Refer to the other page by its title; learners move between pages with the table of contents and Previous/Next.',
            }),
          );
          continue;
        }
        if (assets.escaped.has(norm)) {
          escapedReported.add(norm);
          const { message, hint } = reasonText('symlink-escape', norm);
          problems.push(problem('COURSE_PATH_ESCAPE', message, { ...where, hint }));
          continue;
        }
        if (!assets.files.has(norm)) {
          const what = ref.kind === 'image' ? 'image' : 'linked file';
          problems.push(
            problem('COURSE_UNRESOLVED_ASSET', `${what} '${clean}' is not in ${folder}/assets/`, {
              ...where,
              hint:
                didYouMean(norm, assets.files.keys()) ??
                'Put the file in the module\'s assets/ folder and write its path relative to the module folder, e.g. assets/diagram.svg (not ../assets/…).',
            }),
          );
          continue;
        }
        assets.used.add(norm);
        if (ref.kind === 'image' && !ref.text.trim()) {
          problems.push(
            problem('COURSE_IMAGE_ALT', `image '${clean}' has no alt text`, {
              ...where, severity: 'warning',
              hint: 'Describe the image for screen-reader users: ![A diagram of …](assets/…). Use alt text even for simple diagrams.',
            }),
          );
        }
      }
    }
  }
  for (const rel of assets.escaped) {
    if (escapedReported.has(rel)) continue;
    const { message, hint } = reasonText('symlink-escape', rel);
    problems.push(problem('COURSE_PATH_ESCAPE', message, { file: `${folder}/${rel}`, hint }));
  }
  for (const rel of assets.files.keys()) {
    if (!assets.used.has(rel)) {
      problems.push(
        problem('COURSE_UNUSED_ASSET', `'${rel}' is not used by any page`, {
          severity: 'warning', file: `${folder}/${rel}`,
          hint: 'It is still packaged. Link or show it from a page, or delete it.',
        }),
      );
    }
  }
}

// ---------------------------------------------------------------- activities

function checkPlacement(
  pages: Page[],
  pageSources: Map<Page, SourceYaml | undefined>,
  activities: Activity[],
  activitiesSrc: SourceYaml | undefined,
  activitiesBroken: boolean,
  problems: Problem[],
): void {
  if (activitiesBroken) return;
  const ids = new Map(activities.map((a) => [a.id, a]));
  const placedOn = new Map<string, Page>();
  for (const page of pages) {
    const fm = pageSources.get(page);
    page.activities.forEach((id, j) => {
      // Only when there is something to report: finding a position may parse the front matter in full.
      const where = () => (fm ? at(fm, ['activities', j], `activities[${j}]`) : { file: page.file });
      if (!ids.has(id)) {
        problems.push(
          problem('COURSE_UNRESOLVED_ACTIVITY', `activity '${id}' is not defined in activities.yaml`, {
            ...where(),
            hint: didYouMean(id, ids.keys()) ?? (ids.size ? `Defined activities: ${[...ids.keys()].join(', ')}.` : 'Define it in the module\'s activities.yaml.'),
          }),
        );
        return;
      }
      const first = placedOn.get(id);
      if (first) {
        problems.push(
          problem('COURSE_ACTIVITY_PLACED_TWICE', `activity '${id}' is already placed on ${first === page ? 'this page' : first.file}`, {
            ...where(), hint: 'Place each activity on exactly one page; remove it here or there.',
          }),
        );
        return;
      }
      placedOn.set(id, page);
    });
  }
  if (!activitiesSrc) return;
  asArray(asObject(activitiesSrc.data).activities).forEach((raw, i) => {
    const id = asObject(raw).id;
    if (typeof id !== 'string' || placedOn.has(id)) return;
    problems.push(
      problem('COURSE_ACTIVITY_UNPLACED', `activity '${id}' is not placed on any page`, {
        ...at(activitiesSrc, ['activities', i, 'id'], `activities[${i}].id`),
        hint: `Add it to the activities list in the front matter of the page it belongs to: activities: [${id}]`,
      }),
    );
  });
}

function toActivities(src: SourceYaml, problems: Problem[]): Activity[] {
  const out: Activity[] = [];
  const activityIds = new Set<string>();
  const questionIds = new Set<string>();
  asArray(asObject(src.data).activities).forEach((raw, i) => {
    const a = asObject(raw);
    const id = asString(a.id);
    const base = ['activities', i];
    if (id && activityIds.has(id)) {
      problems.push(problem('COURSE_DUPLICATE_ID', `activity id '${id}' is used twice`, { ...at(src, [...base, 'id'], `activities[${i}].id`), hint: 'Activity ids must be unique within a module.' }));
    }
    activityIds.add(id);
    if (a.kind === 'reflection') {
      out.push({
        kind: 'reflection', id, title: asString(a.title), prompt: asString(a.prompt),
        ...(typeof a.guidance === 'string' ? { guidance: a.guidance } : {}),
        maxLength: asNumber(a.maxLength, 1000),
      });
    } else if (a.kind === 'quiz') {
      const questions: Question[] = [];
      asArray(a.questions).forEach((rq, k) => {
        const q = toQuestion(src, [...base, 'questions', k], asObject(rq), problems);
        if (!q) return;
        if (q.id && questionIds.has(q.id)) {
          problems.push(
            problem('COURSE_DUPLICATE_ID', `question id '${q.id}' is used twice in this module`, {
              ...at(src, [...base, 'questions', k, 'id'], `activities[${i}].questions[${k}].id`),
              hint: 'Question ids must be unique across the module (they become SCORM interaction ids).',
            }),
          );
        }
        questionIds.add(q.id);
        questions.push(q);
      });
      out.push({ kind: 'quiz', id, title: asString(a.title), scored: asBool(a.scored, true), questions });
    }
  });
  return out;
}

function toChoices(src: SourceYaml, segs: (string | number)[], v: unknown, problems: Problem[]): Choice[] {
  const seen = new Set<string>();
  return asArray(v).map((raw, c) => {
    const o = asObject(raw);
    const id = asString(o.id);
    if (id && seen.has(id)) {
      problems.push(problem('COURSE_DUPLICATE_ID', `choice id '${id}' is used twice in this question`, { ...at(src, [...segs, c, 'id'], pathOf([...segs, c, 'id'])), hint: 'Give each choice its own letter: a, b, c …' }));
    }
    seen.add(id);
    return { id, text: asString(o.text) };
  });
}

function pathOf(segs: (string | number)[]): string {
  return segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}

function toQuestion(src: SourceYaml, segs: (string | number)[], q: Record<string, unknown>, problems: Problem[]): Question | undefined {
  const fb = asObject(q.feedback);
  const base = {
    id: asString(q.id),
    prompt: asString(q.prompt),
    feedback: { correct: asString(fb.correct), incorrect: asString(fb.incorrect) },
    weighting: asNumber(q.weighting, 1),
  };
  const wrongAnswer = (sub: (string | number)[], message: string, hint: string) =>
    problems.push(problem('COURSE_QUIZ_ANSWER', message, { ...at(src, [...segs, ...sub], pathOf([...segs, ...sub])), hint }));
  switch (q.type) {
    case 'single-choice': {
      const choices = toChoices(src, [...segs, 'choices'], q.choices, problems);
      const correct = asString(q.correct);
      const ids = choices.map((c) => c.id);
      if (typeof q.correct === 'string' && choices.length && !ids.includes(correct)) {
        wrongAnswer(['correct'], `'${correct}' is not one of the choices (${ids.join(', ')})`, 'Set correct to the id of the right choice.');
      }
      return { ...base, type: 'single-choice', choices, correct };
    }
    case 'multiple-response': {
      const choices = toChoices(src, [...segs, 'choices'], q.choices, problems);
      const ids = choices.map((c) => c.id);
      const correct = asArray(q.correct).filter((x): x is string => typeof x === 'string');
      asArray(q.correct).forEach((c, n) => {
        if (typeof c === 'string' && choices.length && !ids.includes(c)) {
          wrongAnswer(['correct', n], `'${c}' is not one of the choices (${ids.join(', ')})`, 'List the ids of the right choices.');
        }
      });
      return { ...base, type: 'multiple-response', choices, correct };
    }
    case 'true-false':
      return { ...base, type: 'true-false', correct: asBool(q.correct, true) };
    case 'fill-in': {
      const maxLength = asNumber(q.maxLength, 100);
      const answers = asArray(q.answers).filter((x): x is string => typeof x === 'string');
      answers.forEach((a, n) => {
        if (a.length > maxLength) {
          wrongAnswer(['answers', n], `answer is ${a.length} characters, longer than maxLength ${maxLength}`, 'Shorten the answer or raise maxLength.');
        }
      });
      return { ...base, type: 'fill-in', answers, caseSensitive: asBool(q.caseSensitive, false), maxLength };
    }
    case 'matching': {
      const rawPairs = asArray(q.pairs).map(asObject);
      const sources = new Map<string, number>();
      const targets = new Map<string, number>();
      rawPairs.forEach((p, n) => {
        for (const [side, seen] of [['source', sources], ['target', targets]] as const) {
          const text = asString(p[side]).trim().toLowerCase();
          if (!text) continue;
          if (seen.has(text)) {
            problems.push(
              problem('COURSE_DUPLICATE_PAIR', `${side} '${asString(p[side])}' is the same as in pair ${seen.get(text)! + 1}`, {
                ...at(src, [...segs, 'pairs', n, side], pathOf([...segs, 'pairs', n, side])),
                hint: 'Each source and each target must be different, or learners cannot tell them apart.',
              }),
            );
          } else seen.set(text, n);
        }
      });
      // SCORM 1.2 matching responses are "source.target" pairs of single characters.
      const pairs = rawPairs.map((p, n) => ({
        source: { id: String(n + 1), text: asString(p.source) },
        target: { id: String.fromCharCode(97 + n), text: asString(p.target) },
      }));
      return { ...base, type: 'matching', pairs };
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- glossary, reading

function toGlossary(src: SourceYaml, problems: Problem[]): GlossaryTerm[] {
  const seen = new Set<string>();
  return asArray(asObject(src.data).terms).map((raw, i) => {
    const o = asObject(raw);
    const id = asString(o.id);
    if (id && seen.has(id)) {
      problems.push(problem('COURSE_DUPLICATE_ID', `glossary id '${id}' is used twice`, { ...at(src, ['terms', i, 'id'], `terms[${i}].id`), hint: 'Glossary ids must be unique within a module.' }));
    }
    seen.add(id);
    return { id, term: asString(o.term), definition: asString(o.definition) };
  });
}

function toReading(src: SourceYaml): Reading[] {
  return asArray(asObject(src.data).reading).map((raw) => {
    const o = asObject(raw);
    const r: Reading = { title: asString(o.title) };
    if (typeof o.citation === 'string') r.citation = o.citation;
    if (typeof o.url === 'string') r.url = o.url;
    if (typeof o.note === 'string') r.note = o.note;
    return r;
  });
}
