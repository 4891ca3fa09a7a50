import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { errorDocs } from '../../../scripts/error-docs.ts';
import { BUILD_CODES } from '../../../src/package/codes.ts';

describe('docs/errors.md', () => {
  it('lists exactly the codes in the catalogues (run npm run docs:errors after adding one)', () => {
    const onDisk = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(errorDocs());
  });

  it('documents every code the build itself raises', () => {
    const build = readFileSync(new URL('../../../src/package/build.ts', import.meta.url), 'utf8');
    const cli = readFileSync(new URL('../../../src/cli/output.ts', import.meta.url), 'utf8');
    const credentials = readFileSync(new URL('../../../src/package/credentials.ts', import.meta.url), 'utf8');
    const raised = new Set([...`${build}\n${cli}\n${credentials}`.matchAll(/(?:problem\(\s*|code: )'([A-Z_]+)'/g)].map((m) => m[1]));
    expect([...raised].sort()).toEqual(Object.keys(BUILD_CODES).sort());
  });
});
