import { createHash } from 'node:crypto';
import { Router } from 'express';
import { canonicalJson } from '../../domain/canonical-json.js';
import { descriptionSchema, nameSchema } from '../../domain/names.js';
import type { DatasetService } from '../../datasets/dataset-service.js';
import { presentDataset, presentSummary } from '../../datasets/present-dataset.js';
import { mediaType } from '../body.js';
import { entityBody, historicalInput, UPLOAD_TYPES } from './historical-input.js';
import { abortOnClose, negotiate, sendResult } from './historical-output.js';

export interface DatasetRouteDeps {
  datasets: DatasetService;
  bodyLimit: number;
  uploadLimit: number;
}

const extra = { name: nameSchema, description: descriptionSchema.optional() };

/** Saved training datasets: create, list, show, export in any answer format, rebuild and compare, delete. */
export function datasetRoutes(deps: DatasetRouteDeps): Router {
  const { datasets } = deps;
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
    await sendResult(res, data.rows, format, (sink) => datasets.write(data, format, sink));
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
