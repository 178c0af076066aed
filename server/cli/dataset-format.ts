/** `tessera datasets show` for people: the API's dataset answer, summarised in words. */
import { formatDuration } from '../domain/duration.js';
import { formatTimestamp } from '../domain/time.js';

type Json = Record<string, unknown>;

interface Stats {
  count: number;
  nulls: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
}
interface DatasetFileJson {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

// Counts read better grouped (6,982 bytes); values stay as written (driver 1001).
const count = (v: number) => v.toLocaleString('en-US');
const num = (v: number) => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString());
const value = (v: unknown) => (typeof v === 'number' ? num(v) : String(v));
// Statistics hold a timestamp column's bounds as epoch milliseconds.
const time = (v: unknown) => (typeof v === 'number' ? formatTimestamp(v) : String(v));

function file(label: string, f: DatasetFileJson): string {
  return `${label}: ${f.file} (${count(f.rows)} rows, ${count(f.bytes)} bytes, sha256 ${f.sha256})`;
}

function pinnedView(v: Json): string[] {
  const keys = (v.joinKeys as { name: string; type: string }[]).map((k) => `${k.name} (${k.type})`).join(', ');
  const ttl = v.ttl ? formatDuration(v.ttl as number) : 'none';
  const snapshots = (v.snapshotIds as number[]).map((id) => `#${id}`).join(', ') || 'none (no rows were committed)';
  const columns = (v.columns as { outputName: string }[]).map((c) => c.outputName);
  return [`${String(v.featureView)} v${String(v.version)}: ttl ${ttl}, join keys ${keys}`, `  snapshots ${snapshots}`, `  columns (${columns.length}): ${columns.join(', ')}`];
}

function columnLine(c: { name: string; role: string; type: string }, s: Stats | undefined): string {
  const head = `${c.name} (${c.role}, ${c.type})`;
  if (!s) return head;
  const show = c.role === 'timestamp' ? time : value;
  const range = s.min === null ? 'no values' : `min ${show(s.min)}, max ${show(s.max)}${s.mean !== null && c.role === 'feature' ? `, mean ${num(s.mean)}` : ''}`;
  return `${head}: ${count(s.nulls)} nulls, ${range}`;
}

/** A saved dataset: what was asked, the view versions and snapshots it pins, its rows, their time range and its files. */
export function describeDataset(o: Json): string {
  const out = [`training dataset ${String(o.name)}`];
  if (o.description) out.push(`  ${String(o.description)}`);
  const request = o.featureService ? `feature service ${String(o.featureService)}` : `features ${((o.features as string[] | null) ?? []).join(', ')}`;
  const columns = (o.columns ?? []) as { name: string; role: string; type: string }[];
  const statistics = (o.statistics ?? {}) as Record<string, Stats>;
  const ts = columns.find((c) => c.role === 'timestamp');
  const tsStats = ts ? statistics[ts.name] : undefined;
  out.push(
    '',
    `status: ${String(o.status)}`,
    `rows: ${count(o.rows as number)}`,
    `event times: ${tsStats && tsStats.min !== null ? `${time(tsStats.min)} .. ${time(tsStats.max)}` : 'none'}`,
    `request: ${request}${o.fullFeatureNames ? ', full feature names (view__feature)' : ''}`,
    `created ${String(o.createdAt)}`,
  );
  out.push('', 'feature views:', ...((o.featureViews ?? []) as Json[]).flatMap(pinnedView).map((l) => `  ${l}`));
  out.push('', 'columns:', ...columns.map((c) => `  ${columnLine(c, statistics[c.name])}`));
  const input = o.input as { format: string; sha256: string } | undefined;
  const files = [
    o.data ? file('data', o.data as DatasetFileJson) : null,
    o.entities ? file('entities', o.entities as DatasetFileJson) : null,
    input ? `input: ${input.format}, sha256 ${input.sha256}` : null,
  ];
  out.push('', 'files:', ...files.filter((f): f is string => f !== null).map((l) => `  ${l}`));
  return `${out.join('\n')}\n`;
}
