import type { z } from '../../vendor/zod.cjs';
import type { RouteAuth } from '../../auth/route-auth.js';

/** A body or an answer in one or more media types; `schema` describes the JSON ones. */
export interface ContentDoc {
  description: string;
  /** The JSON shape (zod), when the content is JSON. */
  schema?: z.ZodType;
  /** Media types besides application/json (uploads, CSV, Parquet, Arrow); their bodies are binary or text. */
  mediaTypes?: string[];
  /** Media types whose body has the same shape as the JSON one (a bundle in YAML). */
  sameShape?: string[];
}

/**
 * One HTTP route as the OpenAPI document describes it. The same zod schemas validate the request in
 * the route (`parseInput(route.query, req.query)`), so the document cannot drift from the code; a
 * route is documented by one entry in its router file's table, beside the handler.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** Express form: `/api/v1/feature-views/:name`. */
  path: string;
  summary: string;
  tag: string;
  description?: string;
  params?: z.ZodObject;
  /**
   * The query parameters the route reads. Any other is a 400 naming it (server/http/unknown-query.ts),
   * so a route without one refuses every query parameter: a typo (`?limt=5`) never answers the default.
   */
  query?: z.ZodObject;
  /**
   * Feast's own endpoints only: unknown query parameters are ignored, as Feast's FastAPI server
   * ignores those a handler does not declare (docs/deviations.md, "Feast compatibility").
   */
  feastIgnoresQuery?: true;
  body?: ContentDoc & { required: boolean };
  /** Success answers by status. */
  responses: Record<number, ContentDoc>;
  /** Problem statuses (4xx, 5xx) the route answers with an `application/problem+json` body. */
  problems: number[];
  /** Who may call it (server/auth/route-auth.ts); a route without one is for admins only. */
  auth?: RouteAuth;
}

/** A router file's table of routes: keeps each entry's literal type for the handlers that use it. */
export function defineRoutes<T extends Record<string, RouteDoc>>(routes: T): T {
  return routes;
}
