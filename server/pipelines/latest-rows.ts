import { type Column, numericColumn, stringColumnFrom } from '../columns/column.js';
import type { OnlineRows } from '../online/online-store.js';
import type { OutputBatch } from './output-batch.js';
import { NumberIndex } from './number-index.js';
import { entityKeyAt } from './row-batch.js';

/**
 * The latest row per key across a run's batches (greatest event time, then created time; null
 * created loses; later rows win full ties), kept in columns so a million keys stay compact. This is
 * what the run writes to the online store once its snapshot is committed.
 */
export class LatestRows {
  private readonly numbers: NumberIndex;
  private readonly texts = new Map<string, number>();
  private size = 0;
  private capacity: number;
  private eventTs: Float64Array;
  private createdTs: Float64Array;
  private numeric: (Float64Array | null)[] = [];
  private strings: ((string | null)[] | null)[] = [];
  private keyNumeric: (Float64Array | null)[] = [];
  private keyStrings: ((string | null)[] | null)[] = [];
  /** One-hot features kept as one code per row (the index of the 1), as the batches carry them. */
  private groups: Int32Array[] = [];
  /** Per output column: its one-hot group and index, or null for a plain column. */
  private onehot: ({ group: number; index: number } | null)[] = [];
  private initialised = false;
  /** Keys go through `texts` (a string key, or an int64 key once a batch held one beyond 2^53). */
  private textKeys = false;

  /** `capacity`: the keys expected (it grows past them); a push of a few rows sizes it to those. */
  constructor(capacity = 1024) {
    this.capacity = Math.max(1, capacity);
    this.numbers = new NumberIndex(this.capacity);
    this.eventTs = new Float64Array(this.capacity);
    this.createdTs = new Float64Array(this.capacity);
  }

  add(batch: OutputBatch): void {
    if (!this.initialised) this.init(batch);
    if (!this.textKeys && batch.keys.length === 1 && batch.keys[0].kind === 'string') this.useTextKeys();
    const single = !this.textKeys && batch.keys.length === 1 && batch.keys[0].kind === 'numeric' ? batch.keys[0].values : null;
    const created = batch.createdTs;
    // First decide, row by row, which slot (if any) each row overwrites; then copy column by column,
    // which keeps the inner loops on typed arrays.
    const target = new Int32Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const ts = batch.eventTs[i];
      const c = created ? created[i] : NaN;
      target[i] = -1;
      let slot: number;
      if (single) slot = this.numbers.getOrAdd(single[i]);
      else {
        const key = entityKeyAt(batch.keys, i);
        slot = this.texts.get(key) ?? this.size;
        if (slot === this.size) this.texts.set(key, slot);
      }
      if (slot === this.size) {
        this.size++;
        if (slot >= this.capacity) this.grow();
      } else {
        const oldTs = this.eventTs[slot];
        if (ts < oldTs) continue;
        if (ts === oldTs) {
          const oldC = this.createdTs[slot];
          if (c !== c && oldC === oldC) continue;
          if (c === c && oldC === oldC && c < oldC) continue;
        }
      }
      this.eventTs[slot] = ts;
      this.createdTs[slot] = c;
      target[i] = slot;
    }
    this.copy(batch.keys, this.keyNumeric, this.keyStrings, target);
    let group = -1;
    const plain: Column[] = [];
    batch.columns.forEach((col, k) => {
      const place = this.onehot[k];
      if (place === null) {
        plain[k] = col.column;
        return;
      }
      if (place.group === group) return;
      group = place.group;
      const dst = this.groups[group];
      const src = col.onehot!.codes;
      for (let i = 0; i < target.length; i++) if (target[i] >= 0) dst[target[i]] = src[i];
    });
    this.copy(plain, this.numeric, this.strings, target);
  }

  get length(): number {
    return this.size;
  }

  rows(hasCreated: boolean): OnlineRows {
    const n = this.size;
    const column = (numeric: Float64Array | null, strings: (string | null)[] | null): Column => (numeric ? numericColumn(numeric.slice(0, n)) : stringColumnFrom(strings!.slice(0, n)));
    return {
      length: n,
      keys: this.keyNumeric.map((k, i) => column(k, this.keyStrings[i])),
      eventTs: this.eventTs.slice(0, n),
      createdTs: hasCreated ? this.createdTs.slice(0, n) : null,
      onehot: this.groups.length ? { groups: this.groups.map((g) => g.slice(0, n)), columns: this.onehot } : undefined,
      columns: this.numeric.map((c, k) => {
        const place = this.onehot[k];
        if (place === null) return column(c, this.strings[k]);
        const codes = this.groups[place.group];
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) if (codes[i] === place.index) values[i] = 1;
        return numericColumn(values);
      }),
    };
  }

  private init(batch: OutputBatch): void {
    this.initialised = true;
    for (const k of batch.keys) {
      this.keyNumeric.push(k.kind === 'numeric' ? new Float64Array(this.capacity) : null);
      this.keyStrings.push(k.kind === 'string' ? [] : null);
    }
    let codes: Int32Array | null = null;
    for (const c of batch.columns) {
      if (c.onehot) {
        if (c.onehot.codes !== codes) {
          codes = c.onehot.codes;
          this.groups.push(new Int32Array(this.capacity));
        }
        this.onehot.push({ group: this.groups.length - 1, index: c.onehot.index });
        this.numeric.push(null);
        this.strings.push(null);
        continue;
      }
      codes = null;
      this.onehot.push(null);
      this.numeric.push(c.column.kind === 'numeric' ? new Float64Array(this.capacity) : null);
      this.strings.push(c.column.kind === 'string' ? [] : null);
    }
  }

  private copy(columns: Column[], numeric: (Float64Array | null)[], strings: ((string | null)[] | null)[], target: Int32Array): void {
    for (let k = 0; k < columns.length; k++) {
      const col = columns[k];
      if (col === undefined) continue;
      // An int64 column changes to decimal text in a batch with a value beyond 2^53: so does its store.
      if (col.kind === 'string' && numeric[k] !== null) {
        const held = numeric[k]!;
        strings[k] = Array.from({ length: this.size }, (_, i) => (held[i] === held[i] ? String(held[i]) : null));
        numeric[k] = null;
      }
      if (col.kind === 'numeric' && numeric[k] === null) {
        const dst = strings[k]!;
        const src = col.values;
        for (let i = 0; i < target.length; i++) if (target[i] >= 0) dst[target[i]] = src[i] === src[i] ? String(src[i]) : null;
      } else if (col.kind === 'numeric') {
        const dst = numeric[k]!;
        const src = col.values;
        for (let i = 0; i < target.length; i++) if (target[i] >= 0) dst[target[i]] = src[i];
      } else {
        const dst = strings[k]!;
        for (let i = 0; i < target.length; i++) if (target[i] >= 0) dst[target[i]] = col.codes[i] < 0 ? null : col.dictionary[col.codes[i]];
      }
    }
  }

  /** From the number index to text keys; an int64 key's text is its decimal digits either way. */
  private useTextKeys(): void {
    this.textKeys = true;
    const held = this.keyNumeric[0];
    if (held) for (let slot = 0; slot < this.size; slot++) this.texts.set(String(held[slot]), slot);
  }

  private grow(): void {
    this.capacity *= 2;
    const widen = (a: Float64Array) => {
      const b = new Float64Array(this.capacity);
      b.set(a);
      return b;
    };
    this.eventTs = widen(this.eventTs);
    this.createdTs = widen(this.createdTs);
    this.numeric = this.numeric.map((a) => (a ? widen(a) : null));
    this.keyNumeric = this.keyNumeric.map((a) => (a ? widen(a) : null));
    this.groups = this.groups.map((a) => {
      const b = new Int32Array(this.capacity);
      b.set(a);
      return b;
    });
  }
}
