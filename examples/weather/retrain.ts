import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { logLoss } from '../ml/metrics.js';
import { type ModelArtifact, predict } from './model.js';
import type { Tessera } from './tessera.js';
import { trainRainModel } from './train.js';

export interface RetrainDecision {
  chosen: 'candidate' | 'current';
  /** Hold-out log loss of the model in service, and of the one just trained, on the same rows. */
  currentLogLoss: number;
  candidateLogLoss: number;
  candidateId: string;
}

/**
 * Retrains, then keeps the new model only if it beats the one in service on the hold-out (lower log
 * loss on the same rows); a model that reads other columns than the new one cannot be scored on them
 * and is replaced.
 */
export async function retrainIfBetter(tessera: Tessera, options: { modelPath: string; log?: (line: string) => void }): Promise<RetrainDecision> {
  const log = options.log ?? (() => {});
  const current = JSON.parse(fs.readFileSync(options.modelPath, 'utf8')) as ModelArtifact;
  const candidatePath = `${options.modelPath}.candidate`;
  const trained = await trainRainModel(tessera, { modelPath: candidatePath, datasetName: `rain_retrain_${Date.now()}` });
  const { x, y } = trained.holdout;
  const comparable = current.columns.length === trained.artifact.columns.length && current.columns.every((c, i) => c === trained.artifact.columns[i]);
  const currentLogLoss = comparable
    ? logLoss(
        y,
        x.map((row) => predict(current, row)),
      )
    : Number.POSITIVE_INFINITY;
  const candidateLogLoss = trained.metrics[trained.artifact.id].logLoss;
  const chosen = candidateLogLoss < currentLogLoss ? 'candidate' : 'current';
  if (chosen === 'candidate') fs.renameSync(candidatePath, options.modelPath);
  else fs.rmSync(candidatePath, { force: true });
  log(`retrained ${trained.artifact.id}: hold-out log loss ${candidateLogLoss.toFixed(4)} against ${currentLogLoss.toFixed(4)} in service: kept the ${chosen}`);
  return { chosen, currentLogLoss, candidateLogLoss, candidateId: trained.artifact.id };
}

/**
 * A webhook receiver on 127.0.0.1 that retrains when Tessera asks (`alert.fired` with `retrain: true`):
 * it answers 202 at once and retrains in the background, one retrain at a time; other deliveries get 204.
 */
export async function retrainHook(retrain: () => Promise<RetrainDecision>) {
  const decisions: RetrainDecision[] = [];
  const errors: unknown[] = [];
  let running: Promise<void> = Promise.resolve();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { type?: string; retrain?: boolean } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (body.type !== 'alert.fired' || body.retrain !== true) {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(202).end();
      running = running
        .then(async () => {
          decisions.push(await retrain());
        })
        .catch((e: unknown) => {
          errors.push(e);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/retrain`,
    decisions,
    errors,
    /** Resolves when the retrains asked so far have ended. */
    idle: () => running,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
