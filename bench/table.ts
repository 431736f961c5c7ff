import { max, median, min } from './stats';

/** A markdown table: header row, then rows; columns after the first are right-aligned. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** A duration in ms with about three significant digits. */
export function ms(value: number): string {
  if (value >= 100) {
    return value.toFixed(0);
  }
  if (value >= 10) {
    return value.toFixed(1);
  }
  if (value >= 1) {
    return value.toFixed(2);
  }
  return value.toFixed(3);
}

/** "median [min–max]" of runs in ms. */
export function spread(runs: number[]): string {
  if (runs.length === 0) {
    return 'n/a';
  }
  return `${ms(median(runs))} [${ms(min(runs))}–${ms(max(runs))}]`;
}

/** A ratio such as 1.23x. */
export function ratio(value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) {
    return 'n/a';
  }
  return `${(value / base).toFixed(2)}x`;
}

/** Microseconds from milliseconds, with at most one decimal. */
export function us(valueMs: number): string {
  const v = valueMs * 1000;
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** "met" / "MISSED" against a target ratio. */
export function verdict(value: number, target: number): string {
  return value <= target ? 'met' : 'MISSED';
}
