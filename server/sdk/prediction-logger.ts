import { TesseraError, errorMessage, validationError } from '../errors.js';
import { IdSource } from '../prediction-logs/prediction-id.js';
import { checkPredictionLoggerOptions } from './prediction-logger-options.js';

/** One prediction as `logPrediction` takes it: the model and the prediction's fields (as `POST /api/v1/prediction-logs`). */
export interface PredictionInput {
  model: string;
  modelVersion?: string;
  entity: Record<string, string | number>;
  features: Record<string, number | string | boolean | null>;
  featureVersions?: Record<string, number>;
  prediction: number | string | boolean | null;
  probability?: number | null;
  status?: 'ok' | 'failed';
  error?: string;
  predictedAt?: string | number;
  /** A UUID of your own; one is made (a UUIDv7) when absent. */
  id?: string;
}

/** A batch as the server takes it. */
export interface PredictionBatchInput {
  model: string;
  modelVersion: string;
  predictions: Omit<PredictionInput, 'model' | 'modelVersion'>[];
}

/** Checked when the store opens (checkPredictionLoggerOptions): a bad value is a 'validation' error naming it. */
export interface PredictionLoggerOptions {
  /** Queued predictions are sent at least this often, in whole milliseconds from 10 (default 1000). */
  flushMs?: number;
  /** Predictions per request at most, from 1; a model's queue this long is sent at once (default 1000: 1 sends each prediction as it comes). */
  maxBatch?: number;
  /** Predictions queued at most, from 1; beyond, new ones are dropped and reported (default 100,000). */
  maxQueued?: number;
  /** Attempts per batch when the server does not answer or answers 503, from 1 (default 5), with the same ids each time. */
  attempts?: number;
  /** First delay between attempts, doubled each time, from 0 ms (default 200 ms). */
  retryDelayMs?: number;
  /** Predictions that could not be logged (the server refused them, or every attempt failed, or the queue was full). */
  onError?: (error: Error, dropped: number) => void;
}

/** Whether a failed send may succeed if sent again (the server was away or said so), rather than being refused. */
function retryable(e: unknown): boolean {
  return !(e instanceof TesseraError) || e.code === 'unavailable' || e.code === 'internal';
}

/**
 * The SDK's prediction log client: `log` queues and returns the prediction's id at once (never waits on
 * the network); queues are per model and version, sent as batches on an interval, when a queue is full,
 * on `flush` and on `close`. A batch that fails is sent again with the same ids, so the server logs it
 * once whether or not an earlier attempt reached it.
 */
export class PredictionLogger {
  private readonly queues = new Map<string, PredictionBatchInput>();
  private queued = 0;
  private readonly ids = new IdSource();
  private sending: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly options: Required<Omit<PredictionLoggerOptions, 'onError'>> & Pick<PredictionLoggerOptions, 'onError'>;

  constructor(
    private readonly send: (batch: PredictionBatchInput) => Promise<unknown>,
    options: PredictionLoggerOptions = {},
  ) {
    this.options = { flushMs: 1000, maxBatch: 1000, maxQueued: 100_000, attempts: 5, retryDelayMs: 200, ...checkPredictionLoggerOptions(options) };
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  /**
   * Queues a prediction; returns its id (the caller's, or a new UUIDv7). Only a prediction that is not
   * an object is refused here, at once: the rest is checked where it is logged, and reported by `onError`.
   */
  log(input: PredictionInput): string {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      const message = 'expected an object: { model, entity, features, prediction }';
      throw validationError(`invalid prediction: ${message}`, [{ path: '(prediction)', message }]);
    }
    const { model, modelVersion = '1', ...prediction } = input;
    const id = prediction.id ?? this.ids.next(Date.now());
    if (this.queued >= this.options.maxQueued) {
      this.report(new Error(`the prediction log queue is full (${this.queued}); the server is not keeping up or is away`), 1);
      return id;
    }
    const key = `${model}\u0000${modelVersion}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { model, modelVersion, predictions: [] };
      this.queues.set(key, queue);
    }
    queue.predictions.push({ ...prediction, id });
    this.queued++;
    if (queue.predictions.length >= this.options.maxBatch) void this.flush();
    return id;
  }

  /** Sends everything queued so far; resolves when it was logged (or given up on, through `onError`). */
  flush(): Promise<void> {
    const batches: PredictionBatchInput[] = [];
    for (const queue of this.queues.values()) {
      for (let i = 0; i < queue.predictions.length; i += this.options.maxBatch) {
        batches.push({ ...queue, predictions: queue.predictions.slice(i, i + this.options.maxBatch) });
      }
    }
    this.queues.clear();
    this.queued = 0;
    // One flush at a time, in order: a later flush resolves after the earlier ones' batches.
    this.sending = this.sending.then(async () => {
      for (const batch of batches) await this.deliver(batch);
    });
    return this.sending;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * Calls `onError`. Its failure is the caller's own: thrown here it would reject the send chain, reach
   * the caller's process as an unhandled rejection (flushes run unawaited) and fail every later flush.
   */
  private report(error: Error, dropped: number): void {
    try {
      this.options.onError?.(error, dropped);
    } catch {
      // Nothing more to tell: the predictions were reported as dropped.
    }
  }

  private async deliver(batch: PredictionBatchInput): Promise<void> {
    let delay = this.options.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send(batch);
        return;
      } catch (e) {
        if (!retryable(e) || attempt >= this.options.attempts) {
          this.report(new Error(`logging ${batch.predictions.length} predictions of ${batch.model} failed: ${errorMessage(e)}`, { cause: e }), batch.predictions.length);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  }
}
