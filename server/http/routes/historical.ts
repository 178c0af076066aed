import { Router } from 'express';
import { type OfflineDeps, historicalToParquet, pinFeatures, rangeToParquet } from '../../offline/retrieve.js';
import { entityBody, historicalInput } from './historical-input.js';
import type { ResultFormat } from '../../offline/result-format.js';
import { abortOnClose, acceptable, sendResult } from './historical-output.js';

export interface HistoricalRouteDeps {
  offline: OfflineDeps;
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
