import type { BenchFigure } from './scenario.js';

/** What one scenario produced: its figures, or the error that stopped it. */
export interface ScenarioResult {
  scenario: string;
  description: string;
  figures: BenchFigure[];
  seconds: number;
  error?: string;
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit.endsWith('/s')) return Math.round(value).toLocaleString('en-US');
  if (unit === 'x') return value.toFixed(3);
  if (unit === 'ms') return value.toFixed(value < 10 ? 3 : 1);
  if (unit === 'MB' || unit === 'us') return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

export function formatTarget(figure: BenchFigure): string {
  if (!figure.target) return '';
  const value = figure.target.value;
  return `${figure.target.op} ${Number.isInteger(value) ? value.toLocaleString('en-US') : String(value)}${figure.unit === 'x' ? 'x' : ` ${figure.unit}`}`;
}

export function isMet(figure: BenchFigure): boolean | null {
  if (!figure.target) return null;
  return figure.target.op === '>=' ? figure.value >= figure.target.value : figure.value <= figure.target.value;
}

export function verdict(figure: BenchFigure): string {
  const met = isMet(figure);
  return met === null ? '' : met ? 'met' : 'NOT MET';
}

/** The plain-text table printed at the end of a run. */
export function textTable(results: ScenarioResult[]): string {
  const rows: string[][] = [['figure', 'median', 'unit', 'runs', 'target', 'result']];
  for (const r of results) {
    if (r.error) rows.push([`${r.scenario}: FAILED (${r.error.split('\n')[0].slice(0, 120)})`, '', '', '', '', '']);
    for (const f of r.figures) rows.push([f.name, formatValue(f.value, f.unit), f.unit, String(f.runs), formatTarget(f), verdict(f)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c === 1 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** A markdown table cell: no pipes or line breaks. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
