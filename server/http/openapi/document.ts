import { z } from '../../vendor/zod.cjs';
import { PROBLEMS } from '../problem.js';
import { problemAnswer } from './answers.js';
import type { ContentDoc, RouteDoc } from './route-doc.js';

type JsonSchema = Record<string, unknown>;

/**
 * Turns zod schemas into JSON Schema 2020-12 (OpenAPI 3.1's dialect) and collects the named ones
 * (`.meta({ id })`) under `components.schemas`, so each appears once and is referenced.
 */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const { $schema: _, $defs, ...rest } = json;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const fixed = this.refs(def) as JsonSchema;
      const known = this.components[id];
      if (known && JSON.stringify(known) !== JSON.stringify(fixed)) throw new Error(`OpenAPI: schema '${id}' has two shapes (a request and an answer?)`);
      this.components[id] = fixed;
    }
    return this.refs(rest) as JsonSchema;
  }

  private refs(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.refs(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : this.refs(v)]));
  }
}

/** `/api/v1/feature-views/:name` -> `/api/v1/feature-views/{name}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query', collector: SchemaCollector): JsonSchema[] {
  if (!schema) return [];
  const json = collector.convert(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

function content(doc: ContentDoc, io: 'input' | 'output', collector: SchemaCollector): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  if (doc.schema) {
    const schema = collector.convert(doc.schema, io);
    out['application/json'] = { schema };
    for (const type of doc.sameShape ?? []) out[type] = { schema };
  }
  for (const type of doc.mediaTypes ?? []) out[type] = { schema: mediaSchema(type) };
  return out;
}

/** Non-JSON bodies: text, a JSON document of its own (a JSON Schema), or bytes. */
function mediaSchema(type: string): JsonSchema {
  if (type.endsWith('+json')) return { type: 'object' };
  if (type.startsWith('text/')) return { type: 'string' };
  return { type: 'string', contentMediaType: type };
}

/** The OpenAPI 3.1 document of the routes given (the whole API: see api-routes.ts). */
export function openApiDocument(routes: RouteDoc[], info: { version: string }): JsonSchema {
  const collector = new SchemaCollector();
  const problem = collector.convert(problemAnswer, 'output');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`OpenAPI: ${route.method.toUpperCase()} ${path} is described twice`);
    const responses: Record<string, JsonSchema> = {};
    for (const [status, answer] of Object.entries(route.responses)) {
      const body = content(answer, 'output', collector);
      responses[status] = { description: answer.description, ...(Object.keys(body).length ? { content: body } : {}) };
    }
    for (const status of route.problems) {
      const known = Object.values(PROBLEMS).find((p) => p.status === status);
      responses[String(status)] = { description: known?.title ?? 'Problem', content: { 'application/problem+json': { schema: problem } } };
    }
    const params = [...parameters(route.params, 'path', collector), ...parameters(route.query, 'query', collector)];
    item[route.method] = {
      operationId: operationId(route),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(route.body ? { requestBody: { required: route.body.required, description: route.body.description, content: content(route.body, 'input', collector) } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera',
      version: info.version,
      description:
        'Feature store and feature-pipeline server: versioned feature definitions, pipelines to Parquet, point-in-time training datasets, online serving compatible with Feast. Errors are RFC 9457 problem documents naming the offending field. A query parameter a route does not list is a 400 naming it, except on the Feast endpoints /get-online-features, /push, /write-to-online-store and /health, which ignore it as Feast does.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    paths,
    components: { schemas: collector.components },
  };
}

/** `POST /api/v1/feature-views/{name}/materialize` -> `postFeatureViewsNameMaterialize`. */
function operationId(route: RouteDoc): string {
  const words = route.path
    .replace('/api/v1/', '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return route.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
