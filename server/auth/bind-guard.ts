import type { Config } from '../config.js';
import { TesseraError } from '../errors.js';
import { parseIp } from '../sources/ip-address.js';
import { authConfigured } from './auth-configured.js';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (and its IPv4-mapped form), `localhost`. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const ip = parseIp(host);
  if (ip === null) return false;
  if (ip.length === 4) return ip[0] === 127;
  const zeros = (from: number, to: number) => ip.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 15) && ip[15] === 1) return true;
  return zeros(0, 10) && ip[10] === 0xff && ip[11] === 0xff && ip[12] === 127;
}

/**
 * Refuses to listen where others can connect while anyone who connects may do anything: a
 * non-loopback address needs authentication, or the operator's explicit `--insecure-no-auth`.
 * Returns a warning to log when the server starts that way anyway, else null.
 */
export function checkBind(config: Config, keysExist: boolean): string | null {
  if (isLoopbackHost(config.host) || authConfigured(config, keysExist)) return null;
  if (!config.insecureNoAuth) {
    throw new TesseraError(
      'validation',
      `refusing to listen on ${config.host} without authentication: anyone who can reach it could apply definitions, read every feature and start pipelines. Listen on 127.0.0.1, configure authentication, or accept the risk with --insecure-no-auth (env TESSERA_INSECURE_NO_AUTH=true)`,
      [{ path: 'host', message: `${config.host} is not a loopback address and authentication is not configured; --insecure-no-auth (TESSERA_INSECURE_NO_AUTH=true) allows it` }],
    );
  }
  return `listening on ${config.host} without authentication (--insecure-no-auth): every client that reaches this address may apply definitions, read every feature and start pipelines`;
}
