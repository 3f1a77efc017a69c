// Number, duration and size formats, and the median, shared by the benchmark reports.
export const num = (x, digits = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function duration(us) {
  if (!Number.isFinite(us) || us <= 0) return '–';
  if (us < 1000) return `${num(us)} µs`;
  if (us < 1e6) return `${num(us / 1000, us < 10000 ? 2 : 1)} ms`;
  return `${num(us / 1e6, 2)} s`;
}

export const megabytes = (kb) => `${num(kb / 1024, 1)} MB`;

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

