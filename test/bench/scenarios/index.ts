import type { BenchScenario } from '../scenario.js';
import { authOverhead } from './auth-overhead.js';
import { drift } from './drift.js';
import { featureLogging } from './feature-logging.js';
import { metricsOverhead } from './feature-logging-metrics.js';
import { offlineLayout } from './offline-layout.js';
import { onlineHttp } from './online-http.js';
import { onlineRedis } from './online-redis.js';
import { onlineSdk } from './online-sdk.js';
import { onlineUnderLoad } from './online-under-load.js';
import { pipeline } from './pipeline.js';
import { predictionLog } from './prediction-log.js';
import { pushScenario } from './push.js';
import { pushOffline } from './push-offline.js';
import { registryQueue } from './registry-queue.js';
import { training } from './training.js';
import { validationOverhead } from './validation-overhead.js';

/** Every scenario, in the order `npm run bench` runs them. */
export const scenarios: BenchScenario[] = [
  pipeline,
  onlineSdk,
  onlineHttp,
  onlineUnderLoad,
  onlineRedis,
  training,
  offlineLayout,
  registryQueue,
  pushScenario,
  pushOffline,
  featureLogging,
  metricsOverhead,
  validationOverhead,
  drift,
  predictionLog,
  authOverhead,
];
