import type { RouteDoc } from './openapi/route-doc.js';

export interface MatchedRoute {
  route: RouteDoc;
  params: Record<string, string>;
}

interface CompiledRoute {
  route: RouteDoc;
  method: string;
  names: string[];
  pattern: RegExp;
}

/**
 * The routes as express will route them: `:name` is one path segment, letter case does not matter
 * (express's default: `/API/V1/KEYS` is served by the `/api/v1/keys` route, so authentication must
 * find that route too), and a trailing slash is optional. Static paths come first (as the routers'
 * order makes them win), so `/api/v1/runs` is never read as `/api/v1/runs/:id`.
 */
function compile(routes: readonly RouteDoc[]): CompiledRoute[] {
  return [...routes]
    .sort((a, b) => Number(a.path.includes(':')) - Number(b.path.includes(':')))
    .map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((seg) => {
          if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(seg.slice(1));
          return '([^/]+)';
        })
        .join('/');
      return { route, method: route.method.toUpperCase(), names, pattern: new RegExp(`^${source}/?$`, 'i') };
    });
}

/** Finds the documented route a request is for, with its path parameters. */
export function routeMatcher(routes: readonly RouteDoc[]): (method: string, path: string) => MatchedRoute | null {
  const compiled = compile(routes);
  return (method, path) => {
    const m = method === 'HEAD' ? 'GET' : method;
    for (const c of compiled) {
      if (c.method !== m) continue;
      const hit = c.pattern.exec(path);
      if (!hit) continue;
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(hit[i + 1]);
        } catch {
          params[name] = hit[i + 1];
        }
      });
      return { route: c.route, params };
    }
    return null;
  };
}

/**
 * The methods some route serves at a path (`GET` brings `HEAD`, as express answers it), in a fixed
 * order: the `Allow` header of a 405. Empty when no route serves the path at all (a 404).
 */
export function allowedMethods(routes: readonly RouteDoc[]): (path: string) => string[] {
  const compiled = compile(routes);
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
  return (path) => {
    const methods = new Set<string>();
    for (const c of compiled) {
      if (!c.pattern.test(path)) continue;
      methods.add(c.method);
      if (c.method === 'GET') methods.add('HEAD');
    }
    return order.filter((m) => methods.has(m));
  };
}
