import { Router } from 'express';
import { z } from 'zod';
import { timestampSchema } from '../../domain/timestamp-schema.js';
import { formatTimestamp } from '../../domain/time.js';
import { notFound } from '../../errors.js';
import type { PipelineService } from '../../pipelines/pipeline-service.js';
import type { RunRecord } from '../../domain/run.js';
import type { RunStore } from '../../registry/run-store.js';
import type { SnapshotRecord } from '../../domain/snapshot.js';
import { parsedBody } from '../body.js';
import { parseInput, queryInt } from '../validate.js';
import { parseBool } from './apply.js';

const iso = (ms: number | null) => (ms === null ? null : formatTimestamp(ms));

export function presentRun(r: RunRecord) {
  return {
    id: r.id,
    featureView: r.featureView,
    version: r.version,
    status: r.status,
    trigger: r.trigger,
    reason: r.reason,
    error: r.error,
    start: iso(r.start),
    end: iso(r.end),
    window: { start: iso(r.windowStart), end: iso(r.windowEnd) },
    attempt: r.attempt,
    maxAttempts: r.maxAttempts,
    createdAt: iso(r.createdAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    rowsIn: r.rowsIn,
    rowsOut: r.rowsOut,
    rowsRejected: r.rowsRejected,
    rejectsByReason: r.rejectsByReason,
    rejectsFile: r.rejectsFile,
    snapshotId: r.snapshotId,
    steps: r.steps,
  };
}

export function presentSnapshot(s: SnapshotRecord) {
  return {
    id: s.id,
    runId: s.runId,
    rows: s.rows,
    watermark: iso(s.watermark),
    window: { start: iso(s.windowStart), end: iso(s.windowEnd) },
    eventTime: { min: iso(s.minEventTs), max: iso(s.maxEventTs) },
    committedAt: iso(s.committedAt),
    files: s.files,
    statistics: s.stats,
  };
}

const materializeBody = z.strictObject({
  start: timestampSchema.optional(),
  end: timestampSchema.optional(),
  version: z.number().int().positive().optional(),
});

const runsQuery = z.object({
  featureView: z.string().optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']).optional(),
  limit: queryInt(1, 1000).default(100),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
});

/** Materialize, refit, and the run history. */
export function pipelineRoutes(deps: { pipelines: PipelineService; runs: RunStore; bodyLimit: number; waitTimeoutMs?: number }): Router {
  const router = Router();
  router.post('/api/v1/feature-views/:name/materialize', ...parsedBody(deps.bodyLimit, { allowEmpty: true }), async (req, res) => {
    const wait = parseBool(req.query.wait, 'wait');
    const body = parseInput(materializeBody, req.body);
    const run = await deps.pipelines.materialize(String(req.params.name), { ...body, trigger: 'manual' });
    if (!wait)
      return void res
        .status(202)
        .location(`/api/v1/runs/${run.id}`)
        .json({ runId: run.id, run: presentRun(run) });
    res.json(presentRun(await deps.pipelines.waitFor(run.id, { timeoutMs: deps.waitTimeoutMs ?? 3_600_000 })));
  });
  router.post('/api/v1/feature-views/:name/refit', async (req, res) => {
    const { version, run } = await deps.pipelines.refit(req.params.name);
    res.status(201).json({ featureView: req.params.name, version, runId: run?.id ?? null });
  });
  router.get('/api/v1/runs', async (req, res) => {
    const query = parseInput(runsQuery, req.query, '(query) ');
    const runs = await deps.runs.list({ featureView: query.featureView, status: query.status, limit: query.limit, beforeId: query.before });
    res.json({ runs: runs.map(presentRun) });
  });
  router.get('/api/v1/runs/:id', async (req, res) => {
    // Decimal digits only: `1e0` or `0x1` are not the id of run 1.
    const id = /^[1-9]\d{0,14}$/.test(req.params.id) ? Number(req.params.id) : 0;
    const run = id > 0 ? await deps.runs.get(id) : null;
    if (!run) throw notFound('run', req.params.id, 'id');
    res.json(presentRun(run));
  });
  return router;
}
