import type { JournalIo } from '../../server/prediction-logs/journal-io.js';
import { PredictionLogService } from '../../server/prediction-logs/prediction-log-service.js';
import type { testServices } from '../support/services.js';

/**
 * A prediction log of its own over `services`' stores, journaling in `journalDir`: publishing only when
 * a test asks (an hour's timer), the last 1,000 ids remembered. `io`: the journal's file operations.
 */
export function openPredictionLog(services: Awaited<ReturnType<typeof testServices>>, journalDir: string, io?: JournalIo): PredictionLogService {
  return new PredictionLogService({
    engine: services.pipelineDuckdb,
    files: services.files,
    store: services.registry.predictionLogs,
    clock: services.clock,
    logger: services.logger,
    options: { journalDir, publishMs: 3_600_000, dedupeIds: 1000 },
    ...(io ? { io } : {}),
  });
}
