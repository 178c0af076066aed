import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkBody, hasBodyCheck } from '../auth-middleware.js';
import express from 'express';
import { TesseraError, validationError } from '../../errors.js';
import type { EntityFormat, EntityInput } from '../../offline/entity-input.js';
import type { FeatureRequest } from '../../serving/resolve-features.js';
import { mediaType, parseJsonText } from '../body.js';
import { mayHoldWideIntegers, parseJsonExact } from '../exact-json.js';
import { parseInput } from '../validate.js';
import type { HistoricalSchemas } from '../historical-schemas.js';
import { checkQueryBesideBody } from './query-beside-body.js';

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/i;

/** Entity uploads by `Content-Type`. */
export const UPLOAD_TYPES: Record<string, EntityFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
  'application/vnd.apache.arrow.stream': 'arrow',
  'application/vnd.apache.arrow.file': 'arrow',
};

/**
 * Reads the body raw: JSON up to `bodyLimit`, entity uploads (CSV, Parquet, Arrow) up to `uploadLimit`
 * (beyond: 413); any other type is a 415 before a byte is read, an empty body a 400.
 */
export function entityBody(limits: { bodyLimit: number; uploadLimit: number }): RequestHandler[] {
  const json = express.raw({ type: () => true, limit: limits.bodyLimit });
  const upload = express.raw({ type: () => true, limit: limits.uploadLimit });
  const read = (req: Request, res: Response, next: NextFunction) => {
    const type = mediaType(req);
    if (JSON_TYPE.test(type)) return json(req, res, next);
    if (type in UPLOAD_TYPES) return upload(req, res, next);
    const accepted = ['application/json', ...Object.keys(UPLOAD_TYPES)].join(', ');
    next(
      new TesseraError('unsupported_media_type', `Content-Type '${type || '(none)'}' is not accepted here; send one of ${accepted}`, [
        { path: '(header) content-type', message: `expected one of ${accepted}` },
      ]),
    );
  };
  const check = (req: Request, _res: Response, next: NextFunction) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0)
      return next(validationError('the request body is empty', [{ path: '(body)', message: 'entity rows (JSON, CSV, Parquet or Arrow) are required' }]));
    // Authorization reads the selection (the JSON body's, else the query's); a body that does not parse
    // (or is refused by the JSON reader's bounds, before JSON.parse spends seconds) is the handler's 400.
    if (hasBodyCheck(req)) {
      let body: unknown;
      try {
        body = JSON_TYPE.test(mediaType(req)) ? parseJsonText(req.body.toString('utf8')) : undefined;
      } catch {
        body = undefined;
      }
      try {
        checkBody(req, body);
      } catch (e) {
        return next(e);
      }
    }
    next();
  };
  return [read, check];
}

/** What a historical request asks for, whatever its body format. */
export interface HistoricalInput {
  selection: FeatureRequest;
  /** Entity rows; null for a `{start, end}` read. */
  entities: EntityInput | null;
  range: { start: number; end: number } | null;
  /** The JSON body's or the query string's other fields (a dataset's `name`). */
  extra: Record<string, unknown>;
}

interface SelectionFields {
  features?: string[] | string;
  feature_service?: string;
  full_feature_names: boolean;
}

/** Reads a historical request in either form, with the route's schemas. */
export function historicalInput(req: Request, schemas: HistoricalSchemas): HistoricalInput {
  const type = mediaType(req);
  const body = req.body as Buffer;
  if (JSON_TYPE.test(type)) return jsonInput(body, schemas, req.query as Record<string, unknown>);
  const query = parseInput(schemas.query, req.query, '(query) ') as SelectionFields & Record<string, unknown>;
  const { features, feature_service, full_feature_names, ...extra } = query;
  const list =
    features === undefined
      ? undefined
      : (Array.isArray(features) ? features : [features])
          .flatMap((f) => f.split(','))
          .map((f) => f.trim())
          .filter((f) => f !== '');
  return {
    selection: { features: list, featureService: feature_service, fullFeatureNames: full_feature_names },
    entities: { kind: 'bytes', format: UPLOAD_TYPES[type], bytes: new Uint8Array(body.buffer, body.byteOffset, body.length) },
    range: null,
    extra,
  };
}

function jsonInput(body: Buffer, schemas: HistoricalSchemas, query: Record<string, unknown>): HistoricalInput {
  const text = body.toString('utf8');
  let parsed = parseJsonText(text);
  // Entity columns only are read again losslessly: an int64 join key beyond 2^53 becomes a BigInt
  // (JSON.parse rounds it). The other fields keep JSON.parse's values, which every consumer expects.
  if (isObject(parsed) && isObject(parsed.entities) && mayHoldWideIntegers(text)) {
    const exact = parseJsonExact(text) as { entities: unknown };
    parsed = { ...parsed, entities: exact.entities };
  }
  const ranges = 'start' in schemas.json.shape;
  const fields = parseInput(schemas.json, parsed) as SelectionFields & {
    features?: string[];
    entities?: Record<string, unknown[]>;
    start?: number;
    end?: number;
  } & Record<string, unknown>;
  checkQueryBesideBody(query, schemas, fields);
  const { features, feature_service, full_feature_names, entities, start, end, ...extra } = fields;
  const selection = { features, featureService: feature_service, fullFeatureNames: full_feature_names };
  const ranged = start !== undefined || end !== undefined;
  if (entities && ranged) throw validationError('give entities, or start and end, not both', [{ path: 'start', message: 'not allowed together with entities' }]);
  if (ranged) {
    if (start === undefined || end === undefined) throw validationError('a read without entities needs both start and end', [{ path: start === undefined ? 'start' : 'end', message: 'required' }]);
    return { selection, entities: null, range: { start, end }, extra };
  }
  if (!entities) {
    const message = ranges ? 'entity rows are required (or start and end, to read a view without them)' : 'entity rows are required';
    throw validationError(message, [{ path: 'entities', message: 'required' }]);
  }
  return { selection, entities: { kind: 'columns', columns: entities }, range: null, extra };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
