/**
 * Bare node:http answering get-online-features from the Redis layout Tessera writes, with the same
 * pipelined ioredis reads (one HMGET per entity, auto-pipelined): the floor under Tessera's serving
 * over Redis. Usage: node --import tsx test/bench/servers/node-http-redis-baseline.ts <redis url> <key prefix> <port>
 */
import http from 'node:http';
import { Redis } from 'ioredis';

const [url, prefix, port] = process.argv.slice(2);
// Protobuf's JSON form, as Feast (and Tessera) write timestamps: no fraction when it is zero.
const EPOCH = '1970-01-01T00:00:00Z';
const feastTime = (ms: number) => (ms % 1000 === 0 ? new Date(ms).toISOString().replace('.000Z', 'Z') : new Date(ms).toISOString());
const redis = new Redis(url, { enableAutoPipelining: true });

interface BaselineRequest {
  features: string[];
  entities: Record<string, number[]>;
}

async function answer(request: BaselineRequest): Promise<unknown> {
  const view = request.features[0].split(':')[0];
  const names = request.features.map((f) => f.split(':')[1]);
  const [keyName, keys] = Object.entries(request.entities)[0];
  const rows = await Promise.all(keys.map((k) => redis.hmget(`${prefix}${view}:1:{${k}}`, '_e', ...names)));
  const stamps = rows.map((r) => (r[0] === null ? EPOCH : feastTime(Number(r[0]))));
  const results = [{ values: keys, statuses: keys.map(() => 'PRESENT'), event_timestamps: keys.map(() => EPOCH) }];
  for (let f = 0; f < names.length; f++) {
    const values = rows.map((r) => (r[0] === null || r[f + 1] === null ? null : Number(r[f + 1])));
    const statuses = rows.map((r, i) => (r[0] === null ? 'NOT_FOUND' : values[i] === null ? 'NULL_VALUE' : 'PRESENT'));
    results.push({ values: values as number[], statuses, event_timestamps: stamps });
  }
  return { metadata: { feature_names: [keyName, ...names] }, results };
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.end('ok');
  if (req.method !== 'POST' || req.url !== '/get-online-features') {
    res.statusCode = 404;
    return void res.end();
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    answer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as BaselineRequest).then(
      (result) => {
        const body = JSON.stringify(result);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      (e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
