// src/xapi is browser code the runtime will bundle: it must build for the browser with
// no Node built-ins, and stay small against the 40 KB gzipped runtime + xAPI budget.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const src = (f: string) => fileURLToPath(new URL(`../../src/xapi/${f}`, import.meta.url));

describe('src/xapi bundle', () => {
  it('builds for the browser without Node built-ins and stays under 8 KB gzipped', async () => {
    const out = await build({
      stdin: {
        contents: ['index.ts', 'course-input.ts'].map((f) => `export * from ${JSON.stringify(src(f))};`).join('\n'),
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(out.metafile!.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('node_modules'))).toEqual([]);
    const gz = gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length;
    expect(gz).toBeLessThan(8 * 1024);
  });
});
