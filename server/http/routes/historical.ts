import { Router } from 'express';
import { MEDIA_TYPES, type ResultFormat } from '../../offline/result-format.js';
import { type OfflineDeps, historicalToParquet, pinFeatures, rangeToParquet } from '../../offline/retrieve.js';
import { columnsAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { entityBody, historicalInput, historicalSchemas, UPLOAD_TYPES } from './historical-input.js';
import { abortOnClose, acceptable, sendResult } from './historical-output.js';

export interface HistoricalRouteDeps {
  offline: OfflineDeps;
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
    tag: 'offline',
    summary: 'Point-in-time features for entity rows (Feast semantics)',
    description:
      'Entity rows as JSON columns, or uploaded as CSV, Parquet or Arrow IPC with the selection in the query string; or, with start and end and no entities, every row of one view in that range. The answer streams in the format Accept asks for; X-Tessera-Rows holds the row count.',
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
    const signal = abortOnClose(res);
    const scratch = await deps.offline.engine.scratch();
    try {
      const pinned = await pinFeatures(deps.offline, input.selection);
      const result = input.range
        ? await rangeToParquet(deps.offline, pinned, input.range.start, input.range.end, scratch, { signal })
        : await historicalToParquet(deps.offline, pinned, input.entities!, scratch, { signal });
      await sendResult(res, deps.offline.engine, result, format, scratch);
    } finally {
      await scratch.dispose();
    }
  });
  return router;
}
