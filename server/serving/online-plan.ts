import { type LogSchema, logSchema } from '../feature-logging/log-schema.js';
import type { OnlineStore, PreparedRead } from '../online/online-store.js';
import type { Catalog } from '../registry/catalog.js';
import { type AnswerColumn, answerColumns } from './answer-columns.js';
import { type ParsedOnlineRequest, entityColumn } from './online-request.js';
import { type ResolvedFeatures, resolveFeatures } from './resolve-features.js';

/** What a (features, full names) pair resolves to, cached per catalog revision. */
export interface OnlinePlan {
  featureService: string | undefined;
  fullFeatureNames: boolean;
  features: string[] | undefined;
  resolved: ResolvedFeatures;
  reads: PreparedRead[];
  names: string[];
  /** Per answer feature column: whether its values are float64 (written with a decimal point). */
  floats: boolean[];
  /** For the usual one-column request: the column's name as given, whether the answer echoes it and the answer's names. */
  entityName: string | null;
  echoEntity: boolean;
  namesWithEntity: string[];
  viewMetadata: { name: string; version: number }[];
  /** The feature service's log schema when it logs what it serves (`logging:`), else null. */
  log: LogSchema | null;
  /** The answer's columns when a one-hot feature answers as a list (folded after logging), else null. */
  folded: AnswerColumn[] | null;
  /** `floats` of the folded answer's columns. */
  foldedFloats: boolean[];
}

/** A request's plan against `catalog`: its views resolved and each view's read prepared on `store`. */
export function buildPlan(catalog: Catalog, request: ParsedOnlineRequest, store: OnlineStore): OnlinePlan {
  const resolved = resolveFeatures(catalog, { features: request.features, featureService: request.featureService, fullFeatureNames: request.fullFeatureNames });
  const plan: OnlinePlan = {
    featureService: request.featureService,
    fullFeatureNames: request.fullFeatureNames,
    features: request.features?.slice(),
    resolved,
    reads: resolved.views.map((v) =>
      store.prepareRead(
        { view: v.view.name, version: v.version.version, keys: v.keys.map((k) => ({ name: k.name, type: k.type })), columns: v.columns.map((c) => ({ name: c.column, type: c.type })) },
        v.columns.map((c) => c.column),
      ),
    ),
    names: resolved.order.map((o) => resolved.views[o.view].columns[o.column].outputName),
    floats: resolved.order.map((o) => resolved.views[o.view].columns[o.column].type === 'float64'),
    entityName: null,
    echoEntity: false,
    namesWithEntity: [],
    viewMetadata: resolved.views.map((v) => ({ name: v.view.name, version: v.version.version })),
    log: null,
    folded: null,
    foldedFloats: [],
  };
  if (resolved.lists.length > 0) {
    plan.folded = answerColumns(resolved);
    plan.foldedFloats = plan.folded.map((c) => !c.list && plan.floats[c.parts[0]]);
  }
  const logging = request.featureService === undefined ? undefined : catalog.featureServices.get(request.featureService)?.spec.logging;
  if (logging !== undefined) plan.log = logSchema(request.featureService!, logging.sampleRate, resolved);
  if (request.entities.length === 1) {
    const echo = echoed(request, plan);
    plan.entityName = request.entities[0].name;
    plan.echoEntity = echo.length === 1;
    plan.namesWithEntity = [...echo.map((e) => e.name), ...plan.names];
  }
  return plan;
}

/**
 * The entity columns the answer starts with: those that are join keys of the views read, named by
 * the key (a column given by its entity's name answers as the key), in the order given; Feast drops
 * the others. `tessera_keep_entity_columns` keeps them all, as given.
 */
export function echoed(request: ParsedOnlineRequest, plan: OnlinePlan): { name: string; values: unknown[] }[] {
  if (request.keepEntityColumns) return request.entities;
  const out: { name: string; values: unknown[] }[] = [];
  for (const e of request.entities) {
    const key = plan.resolved.keys.find((k) => k.name === e.name) ?? plan.resolved.keys.find((k) => k.entity === e.name && !request.entities.some((x) => x.name === k.name));
    if (key && entityColumn(request, key) === e) out.push({ name: key.name, values: e.values });
  }
  return out;
}

/** Whether `plan` was made for the request's feature service, names and feature list. */
export function samePlanInputs(plan: OnlinePlan, request: ParsedOnlineRequest): boolean {
  if (plan.featureService !== request.featureService || plan.fullFeatureNames !== request.fullFeatureNames) return false;
  const a = plan.features;
  const b = request.features;
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
