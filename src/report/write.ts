// Writes a Report to a folder: index.html, one CSV per table, summary.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csv } from './format.ts';
import { renderHtml } from './html.ts';
import { tablesOf } from './tables.ts';
import type { Report } from './types.ts';

export async function writeReport(r: Report, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ['index.html', renderHtml(r)],
    ['summary.json', `${JSON.stringify(r, null, 2)}\n`],
  ];
  for (const t of tablesOf(r)) {
    files.push([`${t.id}.csv`, csv(t.columns.map((c) => c.label), t.rows.map((row) => t.columns.map((c) => c.value(row))))]);
  }
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([n]) => join(dir, n));
}
