import type { RouteDoc } from './openapi/route-doc.js';

export interface MatchedRoute {
  route: RouteDoc;
  params: Record<string, string>;
}

/**
 * Finds the documented route a request is for, with its path parameters, the way express will
 * route it: `:name` is one path segment. Static paths win over parameterized ones (as the routers'
 * order makes them win), so `/api/v1/runs` is never read as `/api/v1/runs/:id`.
 */
export function routeMatcher(routes: readonly RouteDoc[]): (method: string, path: string) => MatchedRoute | null {
  const compiled = [...routes]
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
      return { route, method: route.method.toUpperCase(), names, pattern: new RegExp(`^${source}/?$`) };
    });
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
