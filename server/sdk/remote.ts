import { callServer } from '../cli/remote.js';
import type { FeatureStore } from './feature-store.js';
import { getHistoricalFeaturesRemote } from './historical.js';

/** The same FeatureStore over HTTP, against a running Tessera server. */
export function connect(url: string): FeatureStore {
  return {
    getOnlineFeatures: (request) => callServer(url, 'POST', '/get-online-features', request),
    getHistoricalFeatures: (request) => getHistoricalFeaturesRemote(url, request),
    transform: (view, rows, options = {}) => callServer(url, 'POST', `/api/v1/feature-views/${encodeURIComponent(view)}/transform`, { rows, ...options }),
    close: async () => {},
  };
}
