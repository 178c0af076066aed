import { loadConfig } from '../config.js';
import { notFound } from '../errors.js';
import { presentEntity, presentFeatureView, presentService, presentSource, presentVersion } from '../http/present.js';
import { presentRun, presentSnapshot } from '../http/routes/pipelines.js';
import type { DataDirAccess } from './data-dir-check.js';
import { openLocalServices } from './open-local-services.js';
import type { KindSegment, Target } from './target.js';

const SINGULAR: Record<KindSegment, string> = { entities: 'entity', sources: 'source', 'feature-views': 'feature view', 'feature-services': 'feature service' };

/** A data directory as a `Target`, through the same services a server uses. */
export async function openLocalTarget(options: { dataDir?: string; definitions?: string; access: DataDirAccess }, env: NodeJS.ProcessEnv): Promise<Target> {
  const config = loadConfig({ dataDir: options.dataDir, definitions: options.definitions }, env);
  const local = await openLocalServices(config, options.access);
  const { services } = local;
  const target: Target = {
    services,
    ...(local.planningNew ? { planningNew: local.planningNew } : {}),
    apply: (bundle, dryRun, origin) => services.applyService.apply(bundle, { dryRun, actor: 'cli', origin }),
    async list(kind) {
      const c = await services.catalog.get();
      const lists = {
        entities: () => [...c.entities.values()].map(presentEntity),
        sources: () => [...c.sources.values()].map(presentSource),
        'feature-views': () => [...c.featureViews.values()].map(presentFeatureView),
        'feature-services': () => [...c.featureServices.values()].map(presentService),
      };
      return lists[kind]() as Record<string, unknown>[];
    },
    async describe(kind, name) {
      const found = (await target.list(kind)).find((o) => o.name === name);
      // Worded and named as the server's 404 is, so local and --url say the same.
      if (!found) throw notFound(SINGULAR[kind], name, 'name');
      return found;
    },
    async version(view, n) {
      const found = (await services.catalog.get()).featureViews.get(view)?.versions.find((v) => v.version === n);
      if (!found) throw notFound(`version of feature view '${view}'`, n);
      return presentVersion(found, { snapshots: (await services.runs.snapshots(view, n)).map(presentSnapshot) });
    },
    runs: async (view, limit) => (await services.runs.list({ featureView: view, limit })).map(presentRun),
    close: () => local.close(),
  };
  return target;
}
