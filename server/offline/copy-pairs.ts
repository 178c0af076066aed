import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Writes one file per pair of consecutive `bounds` (row numbers of a plain table both connections
 * see), two files at a time: `main` writes the first of each pair and the connection `side()` gives
 * the second. DuckDB's order-preserving COPY of one file of many columns keeps about one core busy,
 * and two side by side take ~0.7 of one file's time (docs/offline-layout.md).
 *
 * `copy` must claim its file's name before its first await: files are named in call order.
 */
export async function copyPairs(
  bounds: number[],
  main: DuckDBConnection,
  side: () => Promise<DuckDBConnection>,
  copy: (connection: DuckDBConnection, from: number, to: number) => Promise<void>,
): Promise<void> {
  for (let k = 0; k + 1 < bounds.length; k += 2) {
    if (k + 2 >= bounds.length) {
      await copy(main, bounds[k], bounds[k + 1]);
      continue;
    }
    // Connected before either COPY starts: a failed connect must not leave a COPY running unawaited.
    const second = await side();
    const [a, b] = await Promise.allSettled([copy(main, bounds[k], bounds[k + 1]), copy(second, bounds[k + 1], bounds[k + 2])]);
    for (const result of [a, b]) if (result.status === 'rejected') throw result.reason;
  }
}
