import * as arrow from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import { arrowFromColumn } from '../../../server/columns/arrow-convert.js';
const n = 262_144;
const cols: Record<string, arrow.Vector> = {};
cols.driver_id = arrow.makeVector(arrowFromColumn({ kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => (i * 7919) % 100000) }, 'int64'));
cols.event_timestamp = arrow.makeVector(arrowFromColumn({ kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => 1.79e12 + i * 1000) }, 'timestamp'));
for (let c = 0; c < 6; c++) cols[`f${c}`] = arrow.makeVector(arrowFromColumn({ kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => Math.sin(i * (c + 1))) }, 'float64'));
for (let c = 0; c < 20; c++) cols[`car__${c}`] = arrow.makeVector(arrowFromColumn({ kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => ((i * 13) % 20 === c ? 1 : 0)) }, 'int64'));
const table = new arrow.Table(cols);
function time(label: string, f: () => unknown) { const t = performance.now(); const r = f(); console.log(label, (performance.now() - t).toFixed(0), 'ms'); return r; }
for (let r = 0; r < 2; r++) {
  const ipc = time('ipc', () => arrow.tableToIPC(table, 'stream')) as Uint8Array;
  const wt = () => WasmTable.fromIPCStream(ipc);
  time('fromIPC', wt);
  let props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setDictionaryEnabled(false).setMaxRowGroupSize(256 * 1024).build();
  const a = time('write plain', () => writeParquet(wt(), props)) as Uint8Array;
  let b2 = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setDictionaryEnabled(false).setMaxRowGroupSize(256 * 1024);
  for (let c = 0; c < 20; c++) b2 = b2.setColumnDictionaryEnabled(`car__${c}`, true);
  const b = time('write dict onehot', () => writeParquet(wt(), b2.build())) as Uint8Array;
  const props3 = new WriterPropertiesBuilder().setCompression(Compression.UNCOMPRESSED).setDictionaryEnabled(false).setMaxRowGroupSize(256 * 1024).build();
  const c = time('write uncompressed', () => writeParquet(wt(), props3)) as Uint8Array;
  const props4 = new WriterPropertiesBuilder().setCompression(Compression.LZ4_RAW).setDictionaryEnabled(false).setMaxRowGroupSize(256 * 1024).build();
  const d = time('write lz4', () => writeParquet(wt(), props4)) as Uint8Array;
  console.log('sizes', a.length, b.length, c.length, d.length);
}
{
  const cols2: Record<string, arrow.Vector> = { ...cols };
  for (let c = 0; c < 20; c++) cols2[`car__${c}`] = arrow.makeVector(Int32Array.from({ length: n }, (_, i) => ((i * 13) % 20 === c ? 1 : 0)));
  const t2 = new arrow.Table(cols2);
  for (let r = 0; r < 2; r++) {
    const ipc = time('ipc int32', () => arrow.tableToIPC(t2, 'stream')) as Uint8Array;
    const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setDictionaryEnabled(false).setMaxRowGroupSize(256 * 1024).build();
    const a = time('write int32 onehot', () => writeParquet(WasmTable.fromIPCStream(ipc), props)) as Uint8Array;
    console.log('size', a.length);
  }
  const cols3: Record<string, arrow.Vector> = { ...cols };
  for (let c = 0; c < 20; c++) cols3[`car__${c}`] = arrow.makeVector(Int8Array.from({ length: n }, (_, i) => ((i * 13) % 20 === c ? 1 : 0)));
  const t3 = new arrow.Table(cols3);
  for (let r = 0; r < 2; r++) {
    const ipc = time('ipc int8', () => arrow.tableToIPC(t3, 'stream')) as Uint8Array;
    const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setDictionaryEnabled(false).setMaxRowGroupSize(256 * 1024).build();
    const a = time('write int8 onehot', () => writeParquet(WasmTable.fromIPCStream(ipc), props)) as Uint8Array;
    console.log('size', a.length);
  }
}
