// Escaping and number formats shared by the HTML and CSV writers. Learner text
// (comments, responses, names) is untrusted: it only ever reaches the page through esc().

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => HTML[c]!);
}

/** 0.8333 → "83.3%"; null → "–". */
export function percent(x: number | null, digits = 1): string {
  return x === null ? '–' : `${(x * 100).toFixed(digits)}%`;
}

export function num(x: number | null, digits = 1): string {
  return x === null ? '–' : x.toFixed(digits);
}

/** Milliseconds as "1 h 02 min", "3 min 05 s", "42 s". */
export function dur(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m) return `${m} min ${String(sec).padStart(2, '0')} s`;
  return `${sec} s`;
}

/** One CSV field (RFC 4180), with a leading quote for text a spreadsheet would run as a formula. */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: string[], rows: unknown[][]): string {
  return csvRows([header, ...rows]);
}

/** Rows as CSV lines, each ended by CRLF (RFC 4180). */
export function csvRows(rows: unknown[][]): string {
  let out = '';
  for (const r of rows) out += `${r.map(csvField).join(',')}\r\n`;
  return out;
}
