import type Database from 'better-sqlite3';
import type { KeyValue, OnlineRecord, OnlineTable, OnlineValue, PreparedRead } from './online-store.js';

/** A table or column name as a quoted SQL identifier (names are validated identifiers, so no quote inside). */
export const q = (name: string) => `"${name}"`;
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * One table's lookup by key in the SQLite online store. Features come first in the row and the times
 * last, so the row array becomes the record's `values` once its two last cells are read and cut off:
 * no copy per row.
 *
 * int64 values beyond 2^53: better-sqlite3 reads an INTEGER as a double (rounded) unless the statement
 * reads every integer as a BigInt (`safeIntegers`), which slows every read down. So reads go as
 * numbers, and an int64 feature that comes back outside ±(2^53 - 1) (which a rounded value always is)
 * has its row read again by a BigInt statement: only rows holding such a value pay, and the row used
 * is the one that second read found, whole.
 */
export class SqliteRead implements PreparedRead {
  private statement: Database.Statement | null = null;
  private exact: Database.Statement | null = null;
  private readonly bools: number[];
  private readonly int64s: number[];
  private readonly n: number;

  constructor(
    private readonly db: Database.Database,
    private readonly tableName: string,
    private readonly table: OnlineTable,
    private readonly features: string[],
  ) {
    const types = new Map(table.columns.map((c) => [c.name, c.type]));
    this.bools = features.flatMap((f, i) => (types.get(f) === 'bool' ? [i] : []));
    this.int64s = features.flatMap((f, i) => (types.get(f) === 'int64' ? [i] : []));
    this.n = features.length;
  }

  async read(keys: KeyValue[][]): Promise<(OnlineRecord | null)[]> {
    return this.readSync(keys);
  }

  readSync(keys: KeyValue[][]): (OnlineRecord | null)[] {
    const out = new Array<OnlineRecord | null>(keys.length);
    const statement = this.statement ?? this.prepare();
    if (!statement) return out.fill(null);
    try {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        // A one-column key binds as a scalar: binding an array costs ~5% of a lookup's CPU.
        const row = statement.get(key.length === 1 ? key[0] : key) as unknown[] | undefined;
        out[i] = row === undefined ? null : this.wide(row) ? this.exactRecord(keys[i]) : this.record(row);
      }
    } catch (e) {
      // The table went away (the view was deleted): nothing is found, and the next read prepares again.
      if (!/no such table/.test((e as Error).message)) throw e;
      this.statement = null;
      this.exact = null;
      return out.fill(null);
    }
    return out;
  }

  /** True when an int64 value of the row is beyond what a double holds exactly. */
  private wide(row: unknown[]): boolean {
    for (const w of this.int64s) {
      const v = row[w] as number | null;
      if (v !== null && (v > SAFE || v < -SAFE)) return true;
    }
    return false;
  }

  private record(row: unknown[]): OnlineRecord {
    const n = this.n;
    const eventTs = row[n] as number;
    const createdTs = row[n + 1] as number | null;
    row.length = n;
    for (const b of this.bools) if (row[b] !== null) row[b] = row[b] === 1;
    return { eventTs, createdTs, values: row as OnlineValue[] };
  }

  /** The row read again with every integer a BigInt: those within 2^53 go back to numbers. */
  private exactRecord(key: KeyValue[]): OnlineRecord | null {
    this.exact ??= this.select().safeIntegers(true);
    const row = this.exact.get(key) as unknown[] | undefined;
    if (row === undefined) return null;
    for (let k = 0; k < row.length; k++) {
      const v = row[k];
      if (typeof v === 'bigint' && v >= -SAFE && v <= SAFE) row[k] = Number(v);
    }
    return this.record(row);
  }

  private select(): Database.Statement {
    const columns = this.features.map((f) => `${q(f)}, `).join('');
    const where = this.table.keys.map((k) => `${q(k.name)} = ?`).join(' AND ');
    return this.db.prepare(`SELECT ${columns}_event_ts, _created_ts FROM ${q(this.tableName)} WHERE ${where}`).raw();
  }

  private prepare(): Database.Statement | null {
    try {
      this.statement = this.select();
      return this.statement;
    } catch (e) {
      // No table yet (nothing materialized): every key is simply not found, until a run creates it.
      if (/no such table/.test((e as Error).message)) return null;
      throw e;
    }
  }
}
