// Second opinion: Debian's native xmllint (libxml2 2.9.x, libxml2-utils) must give
// the same verdict as coursepack's WASM libxml2 on the same manifests, both with the
// patched driver and with the UNMODIFIED IMS metadata schema (which only 2.9.x compiles).
// scripts/ensure-test-deps.mjs installs libxml2-utils where it is missing.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMAS_DIR, validateXsd } from '../../../src/validate/xsd.ts';
import { GOOD_MANIFEST, lineOf } from '../../fixtures/packages/scorm12.ts';

const XMLLINT = '/usr/bin/xmllint';
const schemas = fileURLToPath(SCHEMAS_DIR);

function debianXmllint(driver: string, file: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(XMLLINT, ['--noout', '--schema', join(schemas, driver), file], (err, _stdout, stderr) => {
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

/** Lines of the instance errors, leaving out the schema loader's ims_xml.xsd warning. */
function errorLines(stderr: string, file: string): number[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith(file + ':'))
    .map((l) => Number(l.slice(file.length + 1).split(':')[0]));
}

const BAD_MD = GOOD_MANIFEST.replace('<imsmd:language>', '<imsmd:bogus/><imsmd:language>');
const BAD_CP = GOOD_MANIFEST.replace('<title>Module 1</title>', '<titel>Module 1</titel>');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coursepack-xmllint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Debian xmllint as a second opinion', () => {
  it('is installed (libxml2-utils)', () => {
    expect(existsSync(XMLLINT), `${XMLLINT} missing: apt-get install libxml2-utils (npm test does this)`).toBe(true);
  });

  for (const driver of ['scorm12-driver-unpatched.xsd', 'scorm12-driver.xsd']) {
    it(`accepts the good manifest with ${driver}, as the WASM validator does`, async () => {
      const file = join(dir, `good-${driver}.xml`);
      await writeFile(file, GOOD_MANIFEST);
      const native = await debianXmllint(driver, file);
      expect(native.stderr).toContain('validates');
      expect(native.code).toBe(0);
      expect(await validateXsd(GOOD_MANIFEST, 'scorm12')).toEqual([]);
    });

    for (const [name, bad, needle] of [
      ['an unknown imsmd element', BAD_MD, '<imsmd:bogus/>'],
      ['a misspelled IMS CP element', BAD_CP, '<titel>'],
    ] as const) {
      it(`rejects ${name} with ${driver} on the same line as the WASM validator`, async () => {
        const file = join(dir, `bad-${driver}-${needle.replace(/\W/g, '')}.xml`);
        await writeFile(file, bad);
        const native = await debianXmllint(driver, file);
        expect(native.code).toBe(3); // xmllint: validation error
        const wasm = await validateXsd(bad, 'scorm12');
        expect(errorLines(native.stderr, file)).toEqual([lineOf(bad, needle)]);
        expect(wasm.map((p) => p.line)).toEqual([lineOf(bad, needle)]);
      });
    }
  }
});
