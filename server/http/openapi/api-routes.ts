import { AUTH_ROUTES } from '../routes/auth.js';
import { ALERT_ROUTES } from '../routes/alerts.js';
import { APPLY_ROUTES } from '../routes/apply.js';
import { CATALOG_ROUTES } from '../routes/catalog.js';
import { DATASET_ROUTES } from '../routes/datasets.js';
import { DRIFT_ROUTES } from '../routes/drift.js';
import { MONITOR_ROUTES } from '../routes/monitors.js';
import { OUTCOME_ROUTES } from '../routes/outcomes.js';
import { HEALTH_ROUTES } from '../routes/health.js';
import { HISTORICAL_ROUTES } from '../routes/historical.js';
import { METRICS_ROUTES } from '../routes/metrics.js';
import { ONLINE_ROUTES } from '../routes/online.js';
import { OPENAPI_ROUTES } from '../routes/openapi.js';
import { PIPELINE_ROUTES } from '../routes/pipelines.js';
import { PREDICTION_LOG_ROUTES } from '../routes/prediction-logs.js';
import { PUSH_ROUTES } from '../routes/push.js';
import { SKEW_ROUTES } from '../routes/skew.js';
import { FEAST_MATERIALIZE_ROUTES } from '../routes/feast-materialize.js';
import { TRANSFORM_ROUTES } from '../routes/transform.js';
import { VALIDATION_ROUTES } from '../routes/validation.js';
import { FRESHNESS_ROUTES } from '../routes/freshness.js';
import type { RouteDoc } from './route-doc.js';

/**
 * Every route of the HTTP API, from each router file's table. A new router file adds its table here;
 * a new route in an existing file is one entry in that file's table. A test checks that every route
 * the app serves is in this list.
 */
export const API_ROUTES: RouteDoc[] = [
  HEALTH_ROUTES,
  APPLY_ROUTES,
  CATALOG_ROUTES,
  PIPELINE_ROUTES,
  FEAST_MATERIALIZE_ROUTES,
  ONLINE_ROUTES,
  PUSH_ROUTES,
  TRANSFORM_ROUTES,
  HISTORICAL_ROUTES,
  DATASET_ROUTES,
  PREDICTION_LOG_ROUTES,
  SKEW_ROUTES,
  DRIFT_ROUTES,
  MONITOR_ROUTES,
  OUTCOME_ROUTES,
  VALIDATION_ROUTES,
  FRESHNESS_ROUTES,
  ALERT_ROUTES,
  METRICS_ROUTES,
  OPENAPI_ROUTES,
  AUTH_ROUTES,
].flatMap((table) => Object.values(table) as RouteDoc[]);
