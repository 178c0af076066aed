import { Router } from 'express';
import { validationError } from '../../errors.js';
import { parseBundle } from '../../definitions/parse-bundle.js';
import { bundleJsonSchema } from '../../domain/bundle.js';
import type { ApplyService } from '../../registry/apply-service.js';
import type { CatalogStore } from '../../registry/catalog-store.js';
import { parsedBody } from '../body.js';
import { formatTimestamp } from '../../domain/time.js';

export interface ApplyRouteDeps {
  applyService: ApplyService;
  catalogStore: CatalogStore;
  bodyLimit: number;
}

/** `POST /api/v1/apply` (JSON or YAML; `?dry_run=true` plans only), the apply history, the JSON Schema. */
export function applyRoutes(deps: ApplyRouteDeps): Router {
  const router = Router();
  router.post('/api/v1/apply', ...parsedBody(deps.bodyLimit, { allowYaml: true }), async (req, res) => {
    const dryRun = parseBool(req.query.dry_run, 'dry_run');
    const bundle = parseBundle(req.body);
    const result = await deps.applyService.apply(bundle, { dryRun, actor: `http ${req.id}` });
    res.json(result);
  });
  router.get('/api/v1/apply-history', async (_req, res) => {
    const history = await deps.catalogStore.applyHistory(100);
    res.json({ applies: history.map((h) => ({ ...h, appliedAt: formatTimestamp(h.appliedAt) })) });
  });
  const schema = bundleJsonSchema();
  router.get('/api/v1/schema', (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(schema));
  });
  return router;
}

/** Reads a boolean query flag: absent = false; true/false/1/0 accepted. */
export function parseBool(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (value === 'true' || value === '1' || value === '') return true;
  if (value === 'false' || value === '0') return false;
  throw validationError(`query parameter ${name} must be true or false`, [{ path: `(query) ${name}`, message: `'${String(value)}' is not true or false` }]);
}
