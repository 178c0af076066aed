import type { DuckDBConnection } from '@duckdb/node-api';
import type { StageData, StageKind } from './chunk-appender.js';

/**
 * Streams a query over staged columns back into JS, one DuckDB chunk at a time: DOUBLE and INTEGER
 * vectors are copied out whole, VARCHAR vectors value by value into a per-chunk dictionary. Nulls in
 * numeric columns are not expected (staging keeps NaN and code -1 instead).
 */
export async function* readStaged(connection: DuckDBConnection, sql: string, kinds: readonly StageKind[]): AsyncGenerator<{ values: StageData[]; length: number }> {
  // Loaded here, not with the module: a connection exists, so the bindings are loaded already and this costs nothing.
  const { default: duckdb } = await import('@duckdb/node-bindings');
  const result = await connection.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    const n = chunk.rowCount;
    const values = kinds.map((kind, k): StageData => {
      if (kind === 'varchar') {
        const vector = chunk.getColumnVector(k);
        const codes = new Int32Array(n);
        const dictionary: string[] = [];
        const index = new Map<string, number>();
        for (let i = 0; i < n; i++) {
          const v = vector.getItem(i) as string | null;
          if (v === null) {
            codes[i] = -1;
            continue;
          }
          let code = index.get(v);
          if (code === undefined) {
            code = dictionary.length;
            dictionary.push(v);
            index.set(v, code);
          }
          codes[i] = code;
        }
        return { codes, dictionary };
      }
      const raw = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, k), n * (kind === 'double' ? 8 : 4));
      const bytes = raw.slice();
      return kind === 'double' ? new Float64Array(bytes.buffer, 0, n) : new Int32Array(bytes.buffer, 0, n);
    });
    yield { values, length: n };
  }
}
