// The JSON Schemas are the format's definition: every object in them must reject
// unknown keys (so a typo is never silently ignored), and every id must use the one
// shared id definition.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const KINDS = ['course', 'module', 'page', 'activities', 'glossary', 'reading'];

function objectsWithoutAdditionalFalse(node: unknown, where: string, out: string[]): void {
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  const isObjectSchema = o.type === 'object' || (o.properties && !o.oneOf);
  if (isObjectSchema && !o.oneOf && o.additionalProperties !== false) out.push(where);
  for (const [k, v] of Object.entries(o)) {
    if (Array.isArray(v)) v.forEach((x, i) => objectsWithoutAdditionalFalse(x, `${where}/${k}/${i}`, out));
    else objectsWithoutAdditionalFalse(v, `${where}/${k}`, out);
  }
}

describe('course schemas', () => {
  for (const kind of KINDS) {
    it(`${kind}.schema.json rejects unknown keys in every object`, async () => {
      const schema = JSON.parse(await readFile(`schemas/${kind}.schema.json`, 'utf8'));
      const open: string[] = [];
      objectsWithoutAdditionalFalse(schema, '#', open);
      expect(open).toEqual([]);
    });
  }

  it('every id field refers to the shared id definition (choices to the choice id)', async () => {
    const refs: string[] = [];
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      const id = (o.properties as Record<string, { $ref?: string }> | undefined)?.id;
      if (id) refs.push(id.$ref ?? JSON.stringify(id));
      Object.values(o).forEach((v) => (Array.isArray(v) ? v.forEach(visit) : visit(v)));
    };
    for (const kind of KINDS) visit(JSON.parse(await readFile(`schemas/${kind}.schema.json`, 'utf8')));
    expect(refs.length).toBeGreaterThanOrEqual(10);
    for (const r of refs) expect(r).toMatch(/^(#|course\.schema\.json#)\/\$defs\/(id|choiceId)$/);
  });
});
