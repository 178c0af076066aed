import { createHmac } from 'node:crypto';

/**
 * `X-Tessera-Signature`: `sha256=` and the hex HMAC-SHA256, keyed by the webhook's secret, of
 * `<X-Tessera-Timestamp>.<body>` (Stripe's scheme): the timestamp is signed with the body, so a
 * receiver that refuses old timestamps also refuses replays.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
