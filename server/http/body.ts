import { isUtf8 } from 'node:buffer';
import { checkJsonObjectSizes, checkObjectSizes } from './object-size.js';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { TesseraError, errorMessage, validationError } from '../errors.js';
import { checkBody } from './auth-middleware.js';
import { mayHoldWideIntegers, parseJsonExact } from './exact-json.js';
import { headerCount } from './header-count.js';
import { checkWellFormed } from './well-formed.js';
import { parseYamlBody } from './yaml-body.js';

const JSON_TYPES = /^application\/(?:[a-z0-9.+-]+\+)?json$/i;
const YAML_TYPES = /^(?:application\/(?:x-)?yaml|text\/(?:x-)?yaml)$/i;

const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/**
 * The request's media type, lowercase, without parameters. Bodies are read as UTF-8 only: a `charset`
 * parameter naming anything else (`latin1`) is a 415 here, where every body reader asks for the type,
 * rather than bytes decoded in a charset the client did not use. Two `Content-Type` headers are a 400:
 * Node keeps the first, and the body would be read as whichever type came first.
 */
export function mediaType(req: Request | IncomingMessage): string {
  const seen = headerCount(req.rawHeaders, 'content-type');
  if (seen > 1) {
    throw validationError(`the request has ${seen} Content-Type headers: the body's type is ambiguous; send one`, [{ path: '(header) content-type', message: `sent ${seen} times` }]);
  }
  const header = req.headers['content-type'] ?? '';
  const semicolon = header.indexOf(';');
  if (semicolon === -1) return header.trim().toLowerCase();
  const charset = CHARSET.exec(header.slice(semicolon));
  if (charset) {
    const name = charset[1] ?? charset[2];
    if (name.toLowerCase() !== 'utf-8') {
      throw new TesseraError('unsupported_media_type', `charset '${name}' is not accepted: bodies are read as UTF-8 (send charset=utf-8, or none)`, [
        { path: '(header) content-type', message: `charset '${name}' is not utf-8` },
      ]);
    }
  }
  return header.slice(0, semicolon).trim().toLowerCase();
}

export interface BodyOptions {
  allowYaml?: boolean;
  allowEmpty?: boolean;
  /**
   * Read a body without a content type, or with a form or text one, as JSON. Feast's endpoints do:
   * FastAPI parses a body without Content-Type as JSON, the Go server ignores the header, and Feast's
   * own docs send `requests.post(data=json.dumps(...))` and `curl -d` (a form content type).
   */
  jsonWithoutType?: boolean;
  /** Integers beyond 2^53 become exact BigInts instead of rounded numbers (int64 join keys: exact-json.ts). */
  exactIntegers?: boolean;
}

/** The body rules of Feast's endpoints (`/get-online-features`, `/push`, `/write-to-online-store`, `/materialize*`). */
export const FEAST_BODY: BodyOptions = { jsonWithoutType: true, exactIntegers: true };
const LOOSE_JSON_TYPES = new Set(['', 'application/x-www-form-urlencoded', 'text/plain']);

/**
 * Decodes a raw body of media type `type`: JSON, or YAML when `allowYaml`. An empty body is a 400
 * (or `{}` when `allowEmpty`); any other content type a 415; a body that does not parse a 400.
 */
export function decodeBody(buffer: Buffer, type: string, options: BodyOptions = {}): unknown {
  if (buffer.length === 0 && options.allowEmpty) return {};
  if (buffer.length === 0) throw validationError('the request body is empty', [{ path: '(body)', message: 'a JSON body is required' }]);
  const isYaml = options.allowYaml === true && YAML_TYPES.test(type);
  if (!isYaml && !JSON_TYPES.test(type) && !(options.jsonWithoutType && LOOSE_JSON_TYPES.has(type))) {
    const accepted = options.allowYaml ? 'application/json or application/yaml' : 'application/json';
    throw new TesseraError('unsupported_media_type', `Content-Type '${type || '(none)'}' is not accepted here; send ${accepted}`, [{ path: '(header) content-type', message: `expected ${accepted}` }]);
  }
  // Invalid bytes would become U+FFFD silently, and a key or name would change without a word.
  if (!isUtf8(buffer)) throw validationError('the request body is not UTF-8 text', [{ path: '(body)', message: 'not valid UTF-8' }]);
  const text = buffer.toString('utf8');
  if (!isYaml) {
    const value = parseJsonText(text);
    return options.exactIntegers && mayHoldWideIntegers(text) ? readOrRefuse(() => parseJsonExact(text), 'JSON') : value;
  }
  const value = readOrRefuse(() => parseYamlBody(text), 'YAML');
  checkWellFormed(value);
  checkObjectSizes(value);
  return value;
}

/**
 * JSON text read as a request's value, with every check a JSON body gets: its objects' sizes before
 * JSON.parse builds them (a million keys are seconds of work), a parse error as a 400, lone surrogates
 * refused. decodeBody and the historical route's own reader (which keeps entity bytes) both use it.
 */
export function parseJsonText(text: string): unknown {
  checkJsonObjectSizes(text);
  const value = readOrRefuse(() => JSON.parse(text), 'JSON');
  checkWellFormed(value, text);
  return value;
}

/** `read()`, its failure a 400: the exact-integer and YAML readers are recursive, so a stack overflow is "nested too deeply". */
function readOrRefuse(read: () => unknown, format: 'JSON' | 'YAML'): unknown {
  try {
    return read();
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    if (e instanceof RangeError) throw validationError('the request body is nested too deeply', [{ path: '(body)', message: 'nested too deeply to read' }]);
    throw validationError(`the request body is not valid ${format}`, [{ path: '(body)', message: errorMessage(e) }]);
  }
}

/** The 413 for a body over `limit` bytes. */
export function tooLarge(limit: number): TesseraError {
  return new TesseraError('payload_too_large', `the request body is larger than the limit of ${limit} bytes`, [{ path: '(body)', message: `at most ${limit} bytes` }]);
}

/** Express middleware: reads the raw body (up to `limit` bytes: beyond it a 413) and decodes it into `req.body`. */
export function parsedBody(limit: number, options: BodyOptions = {}): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit });
  const parse = (req: Request, _res: Response, next: NextFunction) => {
    const buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      req.body = decodeBody(buffer, mediaType(req), options);
      // Routes whose resources are named in the body are authorized here, before the handler runs.
      checkBody(req, req.body);
    } catch (e) {
      return next(e);
    }
    next();
  };
  return [raw, parse];
}
