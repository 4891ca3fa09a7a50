// Writes a Report to a folder: index.html, one CSV per table, summary.json. Each file is
// written as soon as it is rendered, so only one of them is in memory at a time (with 50,000
// learners summary.json alone is ~30 MB).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csv } from './format.ts';
import { renderHtml } from './html.ts';
import { tablesOf } from './tables.ts';
import type { Report } from './types.ts';

export async function writeReport(r: Report, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    written.push(join(dir, name));
  };
  await put('index.html', renderHtml(r));
  await put('summary.json', `${JSON.stringify(r, null, 1)}\n`);
  for (const t of tablesOf(r)) {
    await put(`${t.id}.csv`, csv(t.columns.map((c) => c.label), t.rows.map((row) => t.columns.map((c) => c.value(row)))));
  }
  return written;
}
