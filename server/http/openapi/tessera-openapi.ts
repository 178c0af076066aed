import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../paths.js';
import { API_ROUTES } from './api-routes.js';
import { openApiDocument } from './document.js';

/** Tessera's OpenAPI document (`GET /api/v1/openapi.json`, `docs/openapi.json`). */
export function tesseraOpenApi(): Record<string, unknown> {
  const { version } = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return openApiDocument(API_ROUTES, { version });
}
