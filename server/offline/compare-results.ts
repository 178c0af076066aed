import type { DuckDbEngine } from './duckdb-engine.js';
import { queryRows } from './duckdb-query.js';
import { ident, literal } from './sql.js';

export interface Comparison {
  /** Same columns, same rows in the same order, same values. */
  matches: boolean;
  columnsMatch: boolean;
  rows: number;
  expectedRows: number;
  /** Rows (by position) that differ in any column, or exist on one side only. */
  differingRows: number;
}

/** Compares two result files row by row and value by value (NULL equals NULL). */
export async function compareResults(engine: DuckDbEngine, expected: string, actual: string): Promise<Comparison> {
  return engine.withConnection(async (connection) => {
    const describe = async (file: string) =>
      (await queryRows(connection, `DESCRIBE SELECT * FROM read_parquet(${literal(file)})`)).map((c) => ({ name: String(c.column_name), type: String(c.column_type) }));
    const [a, b] = [await describe(expected), await describe(actual)];
    const columnsMatch = a.length === b.length && a.every((c, i) => c.name === b[i].name && c.type === b[i].type);
    const count = async (file: string) => Number((await queryRows(connection, `SELECT count(*) AS n FROM read_parquet(${literal(file)})`))[0].n);
    const [expectedRows, rows] = [await count(expected), await count(actual)];
    if (!columnsMatch) return { matches: false, columnsMatch, rows, expectedRows, differingRows: Math.max(rows, expectedRows) };
    const names = a.map((_, i) => ident(`c${i}`));
    const renamed = (file: string) => `(SELECT file_row_number AS __row, ${names.map((n, i) => `${ident(a[i].name)} AS ${n}`).join(', ')} FROM read_parquet(${literal(file)}, file_row_number = true))`;
    const differs = names.map((n) => `x.${n} IS DISTINCT FROM y.${n}`);
    const [diff] = await queryRows(
      connection,
      `SELECT count(*) AS n FROM ${renamed(expected)} x FULL OUTER JOIN ${renamed(actual)} y ON x.__row = y.__row
       WHERE x.__row IS NULL OR y.__row IS NULL${differs.length ? ` OR ${differs.join(' OR ')}` : ''}`,
    );
    const differingRows = Number(diff.n);
    return { matches: differingRows === 0 && rows === expectedRows, columnsMatch, rows, expectedRows, differingRows };
  });
}
