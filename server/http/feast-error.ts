import type { TesseraError } from '../errors.js';

/** Feast's error detail: what its `FeastError.to_error_detail()` writes (sdk/python/feast/errors.py). */
export interface FeastErrorDetail {
  module: string;
  class: string;
  message: string;
}

/**
 * The Feast exception a Tessera error corresponds to, carried in every problem document as the
 * extension members `module`, `class` and `message`, so that a client can raise Feast's typed error:
 * `FeastError.from_error_detail(json.dumps({k: body[k] for k in ("module", "class", "message")}))`.
 * Feast's own client passes `response.json()` to `from_error_detail`, which expects the JSON text of
 * Feast's body (a JSON string holding JSON): with an object it logs a warning and raises the plain
 * HTTP error instead. Tessera keeps RFC 9457 bodies (docs/deviations.md).
 */
export function feastErrorDetail(error: TesseraError): FeastErrorDetail {
  const path = error.errors[0]?.path ?? '';
  const feast = (cls: string) => ({ module: 'feast.errors', class: cls, message: error.message });
  switch (error.code) {
    case 'not_found':
      if (path === 'feature_service') return feast('FeatureServiceNotFoundException');
      if (path === 'feature_view_name' || path.startsWith('features[') || /feature view/.test(error.message)) return feast('FeatureViewNotFoundException');
      if (/^entities\b/.test(path) || /entity/.test(error.message)) return feast('EntityNotFoundException');
      if (/source/.test(error.message)) return feast('DataSourceObjectNotFoundException');
      return feast('FeastObjectNotFoundException');
    case 'unknown_push_source':
      return feast('PushSourceNotFoundException');
    case 'validation':
    case 'payload_too_large':
    case 'unsupported_media_type':
    case 'not_acceptable':
    case 'method_not_allowed':
    case 'headers_too_large':
      // Feast's servers raise ValueError for a bad request; its client rebuilds it from the builtins module.
      return { module: 'builtins', class: 'ValueError', message: error.message };
    case 'conflict':
    case 'transform_error':
      return { module: 'builtins', class: 'ValueError', message: error.message };
    default:
      return feast('FeastError');
  }
}
