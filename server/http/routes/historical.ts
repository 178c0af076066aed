import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { Router } from 'express';
import type { HistoricalService } from '../../offline/historical-service.js';
import { MEDIA_TYPES, type ResultFormat } from '../../offline/result-format.js';
import { columnsAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { historicalSchemas } from '../historical-schemas.js';
import { entityBody, historicalInput, UPLOAD_TYPES } from './historical-input.js';
import { abortOnClose, acceptable, sendResult } from './historical-output.js';

export interface HistoricalRouteDeps {
  historical: HistoricalService;
  bodyLimit: number;
  uploadLimit: number;
}

const schemas = historicalSchemas({ range: true });
/** Answer formats besides JSON, by `Accept`. */
export const RESULT_MEDIA_TYPES = Object.values(MEDIA_TYPES).filter((t) => t !== 'application/json');

export const HISTORICAL_ROUTES = defineRoutes({
  historical: {
    method: 'post',
    path: '/get-historical-features',
    auth: ROUTE_NEEDS.historical,
    tag: 'offline',
    summary: 'Point-in-time features for entity rows (Feast semantics)',
    description:
      'Entity rows as JSON columns, or uploaded as CSV, Parquet or Arrow IPC with the selection in the query string (beside a JSON body, a query parameter may only repeat the body: one that differs, or that the body lacks, is a 400); or, with start and end and no entities, every row of one view in that range. The answer streams in the format Accept asks for; X-Tessera-Rows holds the row count.',
    query: schemas.query,
    body: { required: true, description: 'the selection and entity rows', schema: schemas.json, mediaTypes: Object.keys(UPLOAD_TYPES) },
    responses: { 200: { description: 'one row per entity row, in input order', schema: columnsAnswer, mediaTypes: RESULT_MEDIA_TYPES } },
    problems: [400, 404, 406, 413, 415],
  },
});

/**
 * `POST /get-historical-features`: point-in-time features for entity rows (JSON columns, or a CSV,
 * Parquet or Arrow upload with the features in the query string), or, with `{start, end}` and no
 * entities, every row of one view in that range. The answer streams in the format `Accept` asks for.
 */
export function historicalRoutes(deps: HistoricalRouteDeps): Router {
  const router = Router();
  router.post(HISTORICAL_ROUTES.historical.path, acceptable, ...entityBody(deps), async (req, res) => {
    const format = res.locals.format as ResultFormat;
    const input = historicalInput(req, schemas);
    const query = input.range ? { selection: input.selection, range: input.range } : { selection: input.selection, entities: input.entities! };
    await deps.historical.retrieve(query, (result) => sendResult(res, result.rows, format, (sink) => result.write(format, sink)), { signal: abortOnClose(res) });
  });
  return router;
}
