/** A bundle `/api/v1/apply` accepts, as a JSON body. */
export const APPLY = JSON.stringify({ entities: [{ name: 'driver', joinKeys: ['driver_id'] }] });

/**
 * One request per body reader: `[path, content type, body]` for express's (apply), the entity upload
 * reader, and the three node:http fast paths. Tests of what every reader must refuse go through these.
 */
export const BODY_READERS: [string, string, string][] = [
  ['/api/v1/apply', 'application/json', APPLY],
  ['/get-historical-features?features=drv:rate', 'text/csv', 'driver_id,event_timestamp\n1,2026-11-01T00:00:00Z\n'],
  ['/get-online-features', 'application/json', JSON.stringify({ features: ['drv:rate'], entities: { driver_id: [1] } })],
  ['/push', 'application/json', JSON.stringify({ push_source_name: 'p', df: { driver_id: [1] } })],
  ['/api/v1/prediction-logs', 'application/json', JSON.stringify({ model: 'm', predictions: [] })],
];
