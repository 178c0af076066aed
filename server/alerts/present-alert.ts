import { formatTimestamp } from '../domain/time.js';
import type { AlertRecord } from './alert-record.js';

/** An alert as the API and webhook payloads show it: times in RFC 3339. */
export function presentAlert(a: AlertRecord) {
  return { ...a, firedAt: formatTimestamp(a.firedAt), lastSeenAt: formatTimestamp(a.lastSeenAt), resolvedAt: a.resolvedAt === null ? null : formatTimestamp(a.resolvedAt) };
}
