/** Writes docs/bundle.schema.json from the zod schemas (a test checks the committed file is current). */
import fs from 'node:fs';
import path from 'node:path';
import { bundleJsonSchema } from '../server/domain/bundle.js';
import { packageRoot } from '../server/paths.js';

fs.writeFileSync(path.join(packageRoot(), 'docs', 'bundle.schema.json'), `${JSON.stringify(bundleJsonSchema(), null, 2)}\n`);
