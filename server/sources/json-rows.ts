import type { Source } from '../domain/source.js';
import type { BatchBuilder, RawRow } from './batch-builder.js';
import { needsNullPrototype, sourceColumnNames } from './field-mapping.js';
import type { ColumnRequest, SourceBatch } from './source.js';

/**
 * Shared by the JSON-shaped connectors (JSONL files, HTTP): records are objects keyed by source column
 * names. A record without a column gives a null, as in pandas' `read_json`; there is no header to
 * check a column against.
 */
export class JsonRows {
  readonly keys: (string | number)[];
  private readonly nullPrototype: boolean;

  constructor(source: Pick<Source, 'fieldMapping'>, columns: readonly ColumnRequest[]) {
    // -1 is a key no JSON record has: a column renamed away by fieldMapping reads as null.
    this.keys = sourceColumnNames(
      source,
      columns.map((c) => c.name),
    ).map((name) => name ?? -1);
    this.nullPrototype = needsNullPrototype(this.keys.filter((k): k is string => typeof k === 'string'));
  }

  /** Adds one parsed JSON value: an object is a row, anything else is rejected. */
  add(builder: BatchBuilder, value: unknown, n: number): SourceBatch | null {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return builder.reject('invalid_json', '', `expected an object, got ${jsonKind(value)}`, null, n);
    }
    if (this.nullPrototype) Object.setPrototypeOf(value, null);
    return builder.add(value as RawRow, n);
  }

  /** Parses one line of JSONL and adds it; blank lines are skipped, bad JSON is rejected. */
  addLine(builder: BatchBuilder, line: string, n: number): SourceBatch | null {
    if (isBlank(line)) return null;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return builder.reject('invalid_json', '', line, null, n);
    }
    return this.add(builder, value, n);
  }
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function jsonKind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Splits text into lines across chunks: `push` returns complete lines, `end` the last one. */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      this.pending = text;
      return [];
    }
    this.pending = text.substring(last + 1);
    return text.substring(0, last).split('\n');
  }

  end(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest.length > 0 ? [rest] : [];
  }
}
