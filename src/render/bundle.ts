// Builds coursepack.js (the browser runtime, one minified IIFE) and coursepack.css
// in-process with esbuild, once per process: every module of every build shares them.
import { build, transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const runtimeEntry = fileURLToPath(new URL('../runtime/main.ts', import.meta.url));
const cssFile = fileURLToPath(new URL('./coursepack.css', import.meta.url));

let js: Promise<Buffer> | undefined;
let css: Promise<Buffer> | undefined;

export function runtimeJs(): Promise<Buffer> {
  js ??= build({
    entryPoints: [runtimeEntry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2018',
    platform: 'browser',
    write: false,
    legalComments: 'none',
    charset: 'utf8',
  }).then((r) => Buffer.from(r.outputFiles[0].contents));
  return js;
}

export function runtimeCss(): Promise<Buffer> {
  css ??= readFile(cssFile, 'utf8')
    .then((src) => transform(src, { loader: 'css', minify: true, target: ['chrome80', 'firefox78', 'safari13'] }))
    .then((r) => Buffer.from(r.code));
  return css;
}
