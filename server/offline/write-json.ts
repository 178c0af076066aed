import { JsonValues } from './json-values.js';
import { resultBatches } from './result-batches.js';
import { type Sink, TextBuffer } from './result-sink.js';

/**
 * The answer as one JSON object of columns, in output order: `{"driver_id": [..], "event_timestamp":
 * [..], ...}`. Column-major JSON needs a column's every value before the next column starts, so the
 * result is read one column at a time and written in ~1 MB pieces: memory holds one column, never
 * the whole JSON text. Timestamps are RFC 3339 with Z and milliseconds; int64 values are written
 * with all their digits; NaN and infinities (not JSON) are null.
 */
export async function writeJson(file: string, columns: string[], sink: Sink): Promise<void> {
  const out = new TextBuffer(sink);
  const values = new JsonValues();
  await out.add('{');
  for (let c = 0; c < columns.length; c++) {
    await out.add(`${c ? ',' : ''}${JSON.stringify(columns[c])}:[`);
    let first = true;
    for await (const batch of resultBatches(file, [columns[c]])) {
      const vector = batch.getChildAt(0)!;
      for (const data of vector.data) {
        if (data.length === 0) continue;
        await out.add(`${first ? '' : ','}${values.format(data)}`);
        first = false;
      }
    }
    await out.add(']');
  }
  await out.add('}');
  await out.flush();
}
