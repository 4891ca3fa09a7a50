// Writes a Report to a folder: index.html, one CSV per table, summary.json. Each file is
// written as soon as it is rendered, so only one of them is in memory at a time (with 50,000
// learners summary.json alone is ~30 MB).
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csv, csvRows } from './format.ts';
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
    // In slices of 2,000 rows: the attempts table of a large course is tens of MB as one string.
    const fh = await open(join(dir, `${t.id}.csv`), 'w');
    try {
      await fh.write(csv(t.columns.map((c) => c.label), []));
      for (let i = 0; i < t.rows.length; i += 2000) {
        const rows = t.rows.slice(i, i + 2000).map((row) => t.columns.map((c) => c.value(row)));
        await fh.write(csvRows(rows));
      }
    } finally {
      await fh.close();
    }
    written.push(join(dir, `${t.id}.csv`));
  }
  return written;
}
