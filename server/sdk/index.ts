/** Tessera's SDK for Node inference services: `import { openFeatureStore, connect } from 'tessera/sdk'`. */
export { openFeatureStore, type EmbeddedFeatureStore, type EmbeddedOptions } from './embedded.js';
export { connect, type ConnectOptions } from './remote.js';
export type { FeatureStore, HistoricalRequest, OnlineRequest, OnlineResponse, TransformResponse } from './feature-store.js';
export type { PredictionInput, PredictionLoggerOptions } from './prediction-logger.js';
