import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { parse as parseYaml } from 'yaml';
import { TesseraError, errorMessage, validationError } from '../errors.js';

const JSON_TYPES = /^application\/(?:[a-z0-9.+-]+\+)?json$/i;
const YAML_TYPES = /^(?:application\/(?:x-)?yaml|text\/(?:x-)?yaml)$/i;

export function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Reads the raw body (up to `limit` bytes: beyond it a 413) and parses it as JSON, or YAML when
 * `allowYaml`. An empty body is a 400; any other content type a 415. Parsed bodies land in `req.body`.
 */
export function parsedBody(limit: number, options: { allowYaml?: boolean; allowEmpty?: boolean } = {}): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit });
  const parse = (req: Request, _res: Response, next: NextFunction) => {
    const type = mediaType(req);
    const isJson = JSON_TYPES.test(type);
    const isYaml = options.allowYaml === true && YAML_TYPES.test(type);
    const buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (buffer.length === 0 && options.allowEmpty) {
      req.body = {};
      return next();
    }
    if (buffer.length === 0) return next(validationError('the request body is empty', [{ path: '(body)', message: 'a JSON body is required' }]));
    if (!isJson && !isYaml) {
      const accepted = options.allowYaml ? 'application/json or application/yaml' : 'application/json';
      return next(new TesseraError('unsupported_media_type', `Content-Type '${type || '(none)'}' is not accepted here; send ${accepted}`, [{ path: '(header) content-type', message: `expected ${accepted}` }]));
    }
    const text = buffer.toString('utf8');
    try {
      req.body = isYaml ? parseYaml(text) : JSON.parse(text);
    } catch (e) {
      return next(validationError(`the request body is not valid ${isYaml ? 'YAML' : 'JSON'}`, [{ path: '(body)', message: errorMessage(e) }]));
    }
    next();
  };
  return [raw, parse];
}
