// Small statistics used by the report: order statistics and the two item statistics
// Moodle's quiz report computes per question (facility and discrimination index).
// Pure functions over plain arrays so the tests can check them against hand-worked figures.

/** Median (mean of the two middle values for an even count); null for no values. */
export function median(xs: number[]): number | null {
  return quantile(xs, 0.5);
}

/**
 * Quantile by linear interpolation between closest ranks (the R-7 / spreadsheet PERCENTILE
 * definition): position p·(n−1) in the sorted values. null for no values.
 */
export function quantile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = xs.slice().sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function mean(xs: number[]): number | null {
  if (xs.length === 0) return null;
  let t = 0;
  for (const x of xs) t += x;
  return t / xs.length;
}

/**
 * Facility index as Moodle's quiz statistics define it: the mean score on the item as a
 * percentage of the item's maximum, F = 100 · mean(xᵢ) / max.
 */
export function facilityIndex(itemScores: number[], max: number): number | null {
  const m = mean(itemScores);
  return m === null || max <= 0 ? null : (100 * m) / max;
}

/**
 * Discrimination index as Moodle's quiz statistics compute it: the Pearson correlation,
 * as a percentage, between the score on the item (xᵢ) and the score on the rest of the
 * quiz (Xᵢ − xᵢ) over the attempts that include the item:
 *   D = 100 · C(x, X−x) / √(V(x) · V(X−x))
 * with C and V the sample covariance and variances (the n−1 denominators cancel).
 * null when either variance is zero (Moodle shows no value then) or fewer than 2 attempts.
 */
export function discriminationIndex(itemScores: number[], totalScores: number[]): number | null {
  const n = itemScores.length;
  if (n < 2 || totalScores.length !== n) return null;
  const rest = totalScores.map((t, i) => t - itemScores[i]!);
  const mx = mean(itemScores)!;
  const mr = mean(rest)!;
  let c = 0;
  let vx = 0;
  let vr = 0;
  for (let i = 0; i < n; i++) {
    const dx = itemScores[i]! - mx;
    const dr = rest[i]! - mr;
    c += dx * dr;
    vx += dx * dx;
    vr += dr * dr;
  }
  // Sums of squares that are zero up to rounding noise mean no spread at all.
  if (vx < 1e-12 || vr < 1e-12) return null;
  return (100 * c) / Math.sqrt(vx * vr);
}

/** Milliseconds from an ISO 8601 duration (PnDTnHnMnS; years/months are not used by xAPI durations we read). */
export function parseDuration(d: unknown): number | null {
  if (typeof d !== 'string') return null;
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d);
  if (!m || d === 'P' || d.endsWith('T')) return null;
  const [, w, day, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return Math.round(((((w! * 7 + day!) * 24 + h!) * 60 + min!) * 60 + s!) * 1000);
}
