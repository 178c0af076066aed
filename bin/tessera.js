#!/usr/bin/env node
// The compiled CLI (npm ci builds it through the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/server/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('tessera: dist/ is missing; run `npm run build` (npm ci does it for you)');
  process.exit(1);
}
await import(entry.href);
