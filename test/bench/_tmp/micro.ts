import Database from 'better-sqlite3';
const db = new Database('/tmp/sdkprof/data/online.db', { readonly: true });
db.pragma('mmap_size = 268435456'); db.pragma('cache_size = -65536');
const cols = Array.from({ length: 10 }, (_, i) => `"f${i + 1}"`).join(', ');
const s1 = db.prepare(`SELECT _event_ts, _created_ts, ${cols} FROM fv_bench_online_v1 WHERE driver_id = ?`).raw();
const s2 = db.prepare(`SELECT ${cols}, _event_ts, _created_ts FROM fv_bench_online_v1 WHERE "driver_id" = ?`).raw();
const n = 400_000;
const keys = Int32Array.from({ length: n }, (_, i) => 1 + (i * 7919) % 100000);
let sink = 0;
function run(name: string, f: (k: number) => number) {
  for (let r = 0; r < 2; r++) { const t = performance.now(); for (let i = 0; i < n; i++) sink += f(keys[i]); if (r) console.log(name, ((performance.now() - t) * 1000 / n).toFixed(2), 'us'); }
}
run('scalar', (k) => (s1.get(k) as unknown[]).length);
run('array', (k) => (s1.get([k]) as unknown[]).length);
run('spread', (k) => { const a = [k]; return (s2.get(...a) as unknown[]).length; });
run('array+trunc', (k) => { const row = s2.get([k]) as unknown[]; const t = row[10]; row.length = 10; return row.length + (t as number > 0 ? 1 : 0); });
run('scalar+trunc', (k) => { const row = s2.get(k) as unknown[]; const t = row[10]; row.length = 10; return row.length + (t as number > 0 ? 1 : 0); });
console.log(sink > 0);
