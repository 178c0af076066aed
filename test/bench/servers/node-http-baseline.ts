/**
 * Bare node:http doing the same lookup and answer as the express baseline: the floor under any
 * framework. Usage: node --import tsx test/bench/servers/node-http-baseline.ts <online.db> <port>
 */
import http from 'node:http';
import { type BaselineRequest, openBaselineLookup } from './baseline-lookup.js';

const [dbFile, port] = process.argv.slice(2);
const answer = openBaselineLookup(dbFile);
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.end('ok');
  if (req.method !== 'POST' || req.url !== '/get-online-features') {
    res.statusCode = 404;
    return void res.end();
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify(answer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as BaselineRequest));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
