/**
 * The minimal express 5 handler the issue compares Tessera with: express.json(), one SQLite lookup
 * per key, the Feast answer. ETags are off as in Tessera's app (otherwise every answer is hashed and
 * the baseline is slowed by work Tessera does not do).
 * Usage: node --import tsx test/bench/servers/express-baseline.ts <online.db> <port>
 */
import express from 'express';
import { type BaselineRequest, openBaselineLookup } from './baseline-lookup.js';

const [dbFile, port] = process.argv.slice(2);
const answer = openBaselineLookup(dbFile);
const app = express();
app.set('etag', false);
app.get('/health', (_req, res) => {
  res.send('ok');
});
app.post('/get-online-features', express.json({ limit: '1mb' }), (req, res) => {
  res.json(answer(req.body as BaselineRequest));
});
const server = app.listen(Number(port), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)));
