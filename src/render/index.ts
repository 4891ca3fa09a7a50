// The renderer: one module of a course → every file of its package relative to
// the module root (launch page, print view, runtime script, stylesheet, assets).
// Output is byte-stable for the same input: no timestamps, no random ids.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Course, Module } from '../course/types.ts';
import { CoursepackError, problem } from '../errors.ts';
import { worstCaseLength } from '../runtime/suspend-data.ts';
import { runtimeCss, runtimeJs } from './bundle.ts';
import { pageView, suspendLayout } from './view.ts';

export type RenderTarget = 'scorm12' | 'web' | 'xapi' | 'cmi5';

type Template = (ctx: unknown) => string;
let templates: { index: Template; print: Template } | undefined;

function compile(): { index: Template; print: Template } {
  if (templates) return templates;
  const hb = Handlebars.create();
  const read = (name: string): string => readFileSync(fileURLToPath(new URL(`./templates/${name}.hbs`, import.meta.url)), 'utf8');
  hb.registerPartial('activity', read('activity'));
  hb.registerPartial('printActivity', read('print-activity'));
  hb.registerPartial('reading', read('reading'));
  const opts = { strict: false, noEscape: false, preventIndent: true };
  templates = { index: hb.compile(read('index'), opts), print: hb.compile(read('print'), opts) };
  return templates;
}

export async function renderModule(course: Course, module: Module, opts: { target: RenderTarget }): Promise<Map<string, Buffer>> {
  const t = compile();
  const view = pageView(course, module, opts.target);
  const files = new Map<string, Buffer>();
  files.set('index.html', Buffer.from(t.index(view), 'utf8'));
  files.set('print.html', Buffer.from(t.print(view), 'utf8'));
  files.set('coursepack.js', await runtimeJs());
  files.set('coursepack.css', await runtimeCss());
  const assets = [...module.assets].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const asset of assets) {
    if (files.has(asset.path)) {
      throw new CoursepackError(
        problem('RENDER_ASSET_CLASH', `asset path ${asset.path} collides with a file coursepack writes`, {
          file: module.dir,
          hint: 'Rename the asset or move it into an assets/ folder.',
        }),
      );
    }
    try {
      // Synchronous: a thousand awaited reads one after another spent most of a render waiting.
      files.set(asset.path, readFileSync(asset.source));
    } catch (e) {
      throw new CoursepackError(
        problem('RENDER_ASSET_READ', `cannot read asset ${asset.source}: ${(e as Error).message}`, {
          file: asset.path,
          hint: 'Check that the file exists and is readable.',
        }),
      );
    }
  }
  return files;
}

/** Longest suspend_data (characters) the runtime can write for this module. */
export function suspendDataWorstCase(course: Course, module: Module): number {
  // The targets differ only in which extra views exist; take the larger.
  return Math.max(worstCaseLength(suspendLayout(course, module, 'scorm12')), worstCaseLength(suspendLayout(course, module, 'web')));
}
