import type { NextFunction, Request, Response } from 'express';
import { z } from '../vendor/zod.cjs';
import type { RouteDoc } from './openapi/route-doc.js';
import { routeMatcher } from './route-matcher.js';
import { parseInput } from './validate.js';

/**
 * Refuses a query parameter the route does not declare, with the 400 a strict query schema gives
 * (`(query) colour: unknown field 'colour'`), before the route runs. One check for every route, from
 * the route tables, so a route added later refuses them too: a route that declares no `query` takes
 * none. Only names are checked here; the route's own `parseInput(route.query, ...)` checks values.
 * Feast's endpoints (`feastIgnoresQuery`) ignore them, as Feast's server does.
 */
export function unknownQuery(routes: readonly RouteDoc[]) {
  const match = routeMatcher(routes);
  // Names only: a value is the route's to check, with its own message.
  const names = new Map<RouteDoc, z.ZodObject>();
  for (const route of routes) {
    const known = Object.keys(route.query?.shape ?? {});
    names.set(route, z.strictObject(Object.fromEntries(known.map((k) => [k, z.unknown().optional()]))));
  }
  return (req: Request, _res: Response, next: NextFunction): void => {
    // Most calls carry no query string: they pay this one scan, and no route match.
    const found = req.url.includes('?') ? match(req.method, req.path) : null;
    const schema = found && !found.route.feastIgnoresQuery ? names.get(found.route) : undefined;
    try {
      if (schema) parseInput(schema, req.query, '(query) ');
    } catch (e) {
      next(e);
      return;
    }
    next();
  };
}
