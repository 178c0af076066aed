import { createHttpClient } from '../client/http-client.js';
import type { Bundle } from '../domain/bundle.js';
import type { presentRun } from '../http/routes/pipelines.js';
import type { ApplyResult } from '../registry/apply-service.js';
import type { Services } from '../services.js';
import { UsageError } from './command.js';
import type { DataDirAccess } from './data-dir-check.js';

export const KIND_SEGMENTS = {
  entities: 'entities',
  entity: 'entities',
  sources: 'sources',
  source: 'sources',
  'feature-views': 'feature-views',
  'feature-view': 'feature-views',
  featureviews: 'feature-views',
  'feature-services': 'feature-services',
  'feature-service': 'feature-services',
  featureservices: 'feature-services',
} as const;

export type KindSegment = (typeof KIND_SEGMENTS)[keyof typeof KIND_SEGMENTS];

export function kindSegment(kind: string | undefined): KindSegment {
  const segment = kind ? KIND_SEGMENTS[kind.toLowerCase() as keyof typeof KIND_SEGMENTS] : undefined;
  if (!segment) throw new UsageError(`unknown kind '${kind ?? ''}': one of entities, sources, feature-views, feature-services (or entity, source, feature-view, feature-service)`);
  return segment;
}

/** What CLI commands act on: a data directory directly, or a running server (`--url`). */
export interface Target {
  apply(bundle: Bundle, dryRun: boolean, origin: (path: string) => string): Promise<ApplyResult>;
  list(kind: KindSegment): Promise<Record<string, unknown>[]>;
  describe(kind: KindSegment, name: string): Promise<Record<string, unknown>>;
  /** One version of a view, with its fitted state and snapshots (`GET .../versions/{n}`). */
  version(view: string, version: number): Promise<Record<string, unknown>>;
  /** The latest runs of a view, newest first. */
  runs(view: string, limit: number): Promise<ReturnType<typeof presentRun>[]>;
  services?: Services;
  /** A plan for a data dir that does not exist yet (this one): made against an empty registry. */
  planningNew?: string;
  close(): Promise<void>;
}

/** `definitions`: the folder a local apply checks source paths against (a server checks against its own). */
export async function openTarget(options: { url?: string; dataDir?: string; definitions?: string; access: DataDirAccess }, env: NodeJS.ProcessEnv): Promise<Target> {
  if (options.url) return remoteTarget(options.url);
  // The data dir needs DuckDB and the rest of the services: loaded only then, so `--url` starts fast.
  const { openLocalTarget } = await import('./local-target.js');
  return openLocalTarget(options, env);
}

function remoteTarget(url: string): Target {
  const client = createHttpClient(url);
  const name = (n: string) => encodeURIComponent(n);
  return {
    async apply(bundle, dryRun, origin) {
      try {
        return await client.json<ApplyResult>('POST', `/api/v1/apply${dryRun ? '?dry_run=true' : ''}`, bundle);
      } catch (e) {
        // The server saw one merged bundle: point its paths back at the files.
        if (e instanceof Error && 'errors' in e) (e as { errors: { path: string }[] }).errors.forEach((f) => (f.path = origin(f.path)));
        throw e;
      }
    },
    async list(kind) {
      const key = kind.replace(/-(.)/g, (_, ch: string) => ch.toUpperCase());
      return (await client.json<Record<string, Record<string, unknown>[]>>('GET', `/api/v1/${kind}`))[key];
    },
    describe: (kind, n) => client.json('GET', `/api/v1/${kind}/${name(n)}`),
    version: (view, n) => client.json('GET', `/api/v1/feature-views/${name(view)}/versions/${n}`),
    runs: async (view, limit) => (await client.json<{ runs: ReturnType<typeof presentRun>[] }>('GET', `/api/v1/runs?featureView=${name(view)}&limit=${limit}`)).runs,
    close: async () => client.close(),
  };
}
