import { every, named, needs } from '../../auth/route-auth.js';
import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { canonicalJson } from '../../domain/canonical-json.js';
import { descriptionSchema, nameSchema } from '../../domain/names.js';
import type { DatasetService } from '../../datasets/dataset-service.js';
import { presentDataset, presentSummary } from '../../datasets/present-dataset.js';
import { mediaType } from '../body.js';
import { MEDIA_TYPES, type ResultFormat } from '../../offline/result-format.js';
import { refuseNestedValues } from '../../offline/entity-json.js';
import { parseInput } from '../validate.js';
import { z } from '../../vendor/zod.cjs';
import { columnsAnswer, datasetAnswer, datasetSummaryAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { historicalSchemas } from '../historical-schemas.js';
import { entityBody, historicalInput, UPLOAD_TYPES } from './historical-input.js';
import { RESULT_MEDIA_TYPES } from './historical.js';
import { abortOnClose, negotiate, sendResult } from './historical-output.js';

export interface DatasetRouteDeps {
  datasets: DatasetService;
  bodyLimit: number;
  uploadLimit: number;
}

const schemas = historicalSchemas({ range: false, extra: { name: nameSchema, description: descriptionSchema.optional() } });
const nameParam = z.object({ name: z.string() });
const FORMAT_NAMES = Object.keys(MEDIA_TYPES) as [ResultFormat, ...ResultFormat[]];
const dataQuery = z.strictObject({
  format: z
    .enum(FORMAT_NAMES, { error: (issue) => `'${String(issue.input)}' is not a format: one of ${FORMAT_NAMES.join(', ')}` })
    .optional()
    .describe(`the answer format, in place of Accept (a download link cannot set headers): ${FORMAT_NAMES.join(', ')}`),
});

export const DATASET_ROUTES = defineRoutes({
  create: {
    method: 'post',
    path: '/api/v1/training-datasets',
    auth: ROUTE_NEEDS.createDataset,
    tag: 'offline',
    summary: 'Save a training dataset: point-in-time rows, pinned to the versions and snapshots read',
    description:
      'name, selection and entity rows in a JSON body, or an upload (CSV, Parquet, Arrow IPC) with them in the query string. Beside a JSON body a query parameter may only repeat the body: a ?name= that differs from the body name, or a parameter the body lacks, is a 400 naming it.',
    query: schemas.query,
    body: { required: true, description: 'name, selection and entity rows (JSON), or an upload with them in the query string', schema: schemas.json, mediaTypes: Object.keys(UPLOAD_TYPES) },
    responses: { 201: { description: 'the saved dataset', schema: datasetAnswer } },
    problems: [400, 404, 409, 413, 415],
  },
  list: {
    method: 'get',
    path: '/api/v1/training-datasets',
    auth: needs('DESCRIBE', every('training_dataset')),
    tag: 'offline',
    summary: 'Saved training datasets',
    responses: { 200: { description: 'the datasets', schema: z.object({ trainingDatasets: z.array(datasetSummaryAnswer) }) } },
    problems: [],
  },
  get: {
    method: 'get',
    path: '/api/v1/training-datasets/:name',
    auth: needs('DESCRIBE', named('training_dataset')),
    tag: 'offline',
    summary: 'One dataset: what it holds and what it was built from',
    params: nameParam,
    responses: { 200: { description: 'the dataset', schema: datasetAnswer } },
    problems: [404],
  },
  data: {
    method: 'get',
    path: '/api/v1/training-datasets/:name/data',
    auth: needs('READ_OFFLINE', named('training_dataset'), { expensive: true }),
    tag: 'offline',
    summary: "A dataset's rows, in the format ?format= or Accept asks for",
    description: 'With ?format=, Accept is not read; an unknown format is a 400 naming the ones there are.',
    params: nameParam,
    query: dataQuery,
    responses: { 200: { description: 'the rows', schema: columnsAnswer, mediaTypes: RESULT_MEDIA_TYPES } },
    problems: [400, 404, 406],
  },
  rebuild: {
    method: 'post',
    path: '/api/v1/training-datasets/:name/rebuild',
    auth: needs('UPDATE', named('training_dataset'), { expensive: true }),
    tag: 'offline',
    summary: 'Rebuild a dataset from its metadata and compare it with the stored rows',
    params: nameParam,
    responses: {
      200: {
        description: 'the comparison',
        schema: z.looseObject({ name: z.string(), matches: z.boolean(), columnsMatch: z.boolean(), rows: z.number().int(), expectedRows: z.number().int(), differingRows: z.number().int() }),
      },
    },
    problems: [404],
  },
  remove: {
    method: 'delete',
    path: '/api/v1/training-datasets/:name',
    auth: needs('DELETE', named('training_dataset')),
    tag: 'offline',
    summary: 'Delete a dataset',
    params: nameParam,
    responses: { 204: { description: 'deleted' } },
    problems: [404],
  },
});

/** Saved training datasets: create, list, show, export in any answer format, rebuild and compare, delete. */
export function datasetRoutes(deps: DatasetRouteDeps): Router {
  const { datasets } = deps;
  const router = Router();
  router.post(DATASET_ROUTES.create.path, ...entityBody(deps), async (req, res) => {
    const input = historicalInput(req, schemas);
    const { name, description } = input.extra as { name: string; description?: string };
    const body = req.body as Buffer;
    const upload = UPLOAD_TYPES[mediaType(req)];
    const entities = input.entities!;
    // Checked before the hash, whose walk is recursive: a value nested deep enough overflowed the stack (a 500).
    if (entities.kind === 'columns') refuseNestedValues(entities.columns);
    const hashed = entities.kind === 'columns' ? Buffer.from(canonicalJson(entities.columns)) : body;
    const metadata = await datasets.create(
      { name, description, selection: input.selection, entities, input: { format: upload ?? 'json', sha256: createHash('sha256').update(hashed).digest('hex') } },
      abortOnClose(res),
    );
    res.status(201).location(`/api/v1/training-datasets/${name}`).json(presentDataset(metadata));
  });
  router.get(DATASET_ROUTES.list.path, async (_req, res) => {
    res.json({ trainingDatasets: (await datasets.list()).map(presentSummary) });
  });
  router.get(DATASET_ROUTES.get.path, async (req, res) => {
    res.json(presentDataset(await datasets.get(parseInput(nameParam, req.params).name)));
  });
  router.get(DATASET_ROUTES.data.path, async (req, res) => {
    const asked = parseInput(dataQuery, req.query, '(query) ').format;
    const format = asked ?? negotiate(req);
    const data = await datasets.data(parseInput(nameParam, req.params).name);
    await sendResult(res, data.rows, format, (sink) => datasets.write(data, format, sink));
  });
  router.post(DATASET_ROUTES.rebuild.path, async (req, res) => {
    res.json(await datasets.rebuild(parseInput(nameParam, req.params).name, abortOnClose(res)));
  });
  router.delete(DATASET_ROUTES.remove.path, async (req, res) => {
    await datasets.remove(parseInput(nameParam, req.params).name);
    res.status(204).end();
  });
  return router;
}
