import { createHash } from 'node:crypto';
import { Router } from 'express';
import { canonicalJson } from '../../domain/canonical-json.js';
import { descriptionSchema, nameSchema } from '../../domain/names.js';
import { DatasetService } from '../../datasets/dataset-service.js';
import { presentDataset, presentSummary } from '../../datasets/present-dataset.js';
import { SqliteDatasetStore } from '../../datasets/sqlite-dataset-store.js';
import { offlineDeps } from '../../offline/offline-deps.js';
import type { Services } from '../../services.js';
import { mediaType } from '../body.js';
import { entityBody, historicalInput, UPLOAD_TYPES } from './historical-input.js';
import { abortOnClose, negotiate, sendResult } from './historical-output.js';

export interface DatasetRouteDeps {
  services: Pick<Services, 'duckdb' | 'catalog' | 'runs' | 'files' | 'registryDb' | 'clock'>;
  bodyLimit: number;
  uploadLimit: number;
}

const extra = { name: nameSchema, description: descriptionSchema.optional() };

/** Saved training datasets: create, list, show, export in any answer format, rebuild and compare, delete. */
export function datasetRoutes(deps: DatasetRouteDeps): Router {
  const { services } = deps;
  const datasets = new DatasetService({ offline: offlineDeps(services), store: new SqliteDatasetStore(services.registryDb), files: services.files, clock: services.clock });
  const router = Router();
  router.post('/api/v1/training-datasets', ...entityBody(deps), async (req, res) => {
    const input = historicalInput(req, { range: false, extra });
    const { name, description } = input.extra as { name: string; description?: string };
    const body = req.body as Buffer;
    const upload = UPLOAD_TYPES[mediaType(req)];
    const hashed = input.entities!.kind === 'columns' ? Buffer.from(canonicalJson(input.entities!.columns)) : body;
    const metadata = await datasets.create(
      { name, description, selection: input.selection, entities: input.entities!, input: { format: upload ?? 'json', sha256: createHash('sha256').update(hashed).digest('hex') } },
      abortOnClose(res),
    );
    res.status(201).location(`/api/v1/training-datasets/${name}`).json(presentDataset(metadata));
  });
  router.get('/api/v1/training-datasets', async (_req, res) => {
    res.json({ trainingDatasets: (await datasets.list()).map(presentSummary) });
  });
  router.get('/api/v1/training-datasets/:name', async (req, res) => {
    res.json(presentDataset(await datasets.get(req.params.name)));
  });
  router.get('/api/v1/training-datasets/:name/data', async (req, res) => {
    const format = negotiate(req);
    const data = await datasets.data(req.params.name);
    const scratch = await services.duckdb.scratch();
    try {
      await sendResult(res, services.duckdb, data, format, scratch);
    } finally {
      await scratch.dispose();
    }
  });
  router.post('/api/v1/training-datasets/:name/rebuild', async (req, res) => {
    res.json(await datasets.rebuild(req.params.name, abortOnClose(res)));
  });
  router.delete('/api/v1/training-datasets/:name', async (req, res) => {
    await datasets.remove(req.params.name);
    res.status(204).end();
  });
  return router;
}
