// Every problem code the preview raises is in its catalogue (src/preview/codes.ts),
// which is what docs/errors.md and docs/preview.md list.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { PREVIEW_CODES } from '../../src/preview/codes.ts';

describe('preview problem codes', () => {
  it('the catalogue lists exactly the PREVIEW_ codes raised in src/preview and src/cli/preview.ts', () => {
    const dir = new URL('../../src/preview/', import.meta.url);
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'codes.ts')
      .map((f) => readFileSync(new URL(f, dir), 'utf8'));
    sources.push(readFileSync(new URL('../../src/cli/preview.ts', import.meta.url), 'utf8'));
    const raised = new Set(sources.flatMap((s) => [...s.matchAll(/problem\(\s*'(PREVIEW_[A-Z_]+)'/g)].map((m) => m[1])));
    expect([...raised].sort()).toEqual(Object.keys(PREVIEW_CODES).sort());
    const docs = readFileSync(new URL('../../docs/preview.md', import.meta.url), 'utf8');
    for (const code of Object.keys(PREVIEW_CODES)) expect(docs, code).toContain(`\`${code}\``);
  });
});
