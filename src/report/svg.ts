// Charts as SVG strings, rendered at build time (no charting library, nothing loaded at
// view time). Each chart is an <svg role="img"> with a <title> and <desc>; the page puts
// a table with the same figures next to it for screen readers and for exact values.
import { esc } from './format.ts';

export interface BarSeries {
  name: string;
  /** CSS colour; paired with a pattern-free legend label so colour is never the only cue. */
  colour: string;
  values: number[];
}

const W = 640;

/** Vertical grouped bar chart over categories (e.g. days). */
export function barChart(o: { title: string; desc: string; categories: string[]; series: BarSeries[]; height?: number }): string {
  const H = o.height ?? 220;
  const left = 40;
  const bottom = 40;
  const top = 24;
  const plotW = W - left - 10;
  const plotH = H - bottom - top;
  const max = Math.max(1, ...o.series.flatMap((s) => s.values));
  const n = Math.max(1, o.categories.length);
  const groupW = plotW / n;
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, o.series.length));
  const parts: string[] = [];
  for (const t of ticks(max)) {
    const y = top + plotH - (t / max) * plotH;
    parts.push(`<line x1="${left}" x2="${W - 10}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/><text x="${left - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11">${t}</text>`);
  }
  o.series.forEach((s, si) => {
    s.values.forEach((v, ci) => {
      const h = (v / max) * plotH;
      const x = left + ci * groupW + groupW * 0.1 + si * barW;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.colour}"><title>${esc(`${o.categories[ci]}: ${s.name} ${v}`)}</title></rect>`);
    });
  });
  const every = Math.ceil(n / 8);
  o.categories.forEach((c, ci) => {
    if (ci % every) return;
    parts.push(`<text x="${(left + ci * groupW + groupW / 2).toFixed(1)}" y="${H - bottom + 14}" text-anchor="middle" font-size="11">${esc(c)}</text>`);
  });
  o.series.forEach((s, si) => {
    parts.push(`<rect x="${left + si * 140}" y="${H - 14}" width="10" height="10" fill="${s.colour}"/><text x="${left + si * 140 + 14}" y="${H - 5}" font-size="11">${esc(s.name)}</text>`);
  });
  return svg(o.title, o.desc, H, parts);
}

/** Horizontal bars, one per row (funnel, rating distribution). */
export function hbarChart(o: { title: string; desc: string; rows: Array<{ label: string; value: number; note?: string }>; colour?: string }): string {
  const rowH = 22;
  const labelW = 220;
  const H = Math.max(1, o.rows.length) * rowH + 10;
  const max = Math.max(1, ...o.rows.map((r) => r.value));
  const parts = o.rows.map((r, i) => {
    const y = 5 + i * rowH;
    const w = ((W - labelW - 80) * r.value) / max;
    const label = r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label;
    return (
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" font-size="12">${esc(label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${o.colour ?? '#2f6690'}"/>` +
      `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 15}" font-size="12">${esc(r.note ?? String(r.value))}</text>`
    );
  });
  return svg(o.title, o.desc, H, parts);
}

function svg(title: string, desc: string, h: number, parts: string[]): string {
  const id = `c${Math.abs(hash(title + desc)).toString(36)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="100%" style="max-width:${W}px" role="img" aria-labelledby="${id}t ${id}d"><title id="${id}t">${esc(title)}</title><desc id="${id}d">${esc(desc)}</desc>${parts.join('')}</svg>`;
}

/** Round tick values (1, 2, 5 × 10ⁿ steps), at most about five. */
export function ticks(max: number): number[] {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
