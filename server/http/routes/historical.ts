import { Router } from 'express';
import type { HistoricalService } from '../../offline/historical-service.js';
import type { ResultFormat } from '../../offline/result-format.js';
import { entityBody, historicalInput } from './historical-input.js';
import { abortOnClose, acceptable, sendResult } from './historical-output.js';

export interface HistoricalRouteDeps {
  historical: HistoricalService;
  bodyLimit: number;
  uploadLimit: number;
}

/**
 * `POST /get-historical-features`: point-in-time features for entity rows (JSON columns, or a CSV,
 * Parquet or Arrow upload with the features in the query string), or, with `{start, end}` and no
 * entities, every row of one view in that range. The answer streams in the format `Accept` asks for.
 */
export function historicalRoutes(deps: HistoricalRouteDeps): Router {
  const router = Router();
  router.post('/get-historical-features', acceptable, ...entityBody(deps), async (req, res) => {
    const format = res.locals.format as ResultFormat;
    const input = historicalInput(req, { range: true });
    const query = input.range ? { selection: input.selection, range: input.range } : { selection: input.selection, entities: input.entities! };
    await deps.historical.retrieve(query, (result) => sendResult(res, result.rows, format, (sink) => result.write(format, sink)), { signal: abortOnClose(res) });
  });
  return router;
}
