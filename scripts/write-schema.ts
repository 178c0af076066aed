/** Writes docs/bundle.schema.json and docs/openapi.json from the zod schemas (tests check the committed files are current). */
import fs from 'node:fs';
import path from 'node:path';
import { bundleJsonSchema } from '../server/domain/bundle.js';
import { tesseraOpenApi } from '../server/http/openapi/tessera-openapi.js';
import { packageRoot } from '../server/paths.js';

fs.writeFileSync(path.join(packageRoot(), 'docs', 'bundle.schema.json'), `${JSON.stringify(bundleJsonSchema(), null, 2)}\n`);
fs.writeFileSync(path.join(packageRoot(), 'docs', 'openapi.json'), `${JSON.stringify(tesseraOpenApi(), null, 2)}\n`);
