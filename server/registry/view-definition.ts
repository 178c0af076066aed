import { canonicalJson, sha256 } from '../domain/canonical-json.js';
import type { Entity } from '../domain/entity.js';
import type { FeatureViewInput } from '../domain/feature-view.js';
import type { Source } from '../domain/source.js';
import type { TransformStep } from '../domain/transform-spec.js';
import type { FeatureViewDefinition } from '../domain/feature-view-version.js';

/** Resolves what a view version means: its features plus the entities and source it reads, frozen. */
export function resolveDefinition(view: FeatureViewInput, entities: ReadonlyMap<string, Entity>, sources: ReadonlyMap<string, Source>): FeatureViewDefinition {
  const source = sources.get(view.source);
  if (!source) throw new Error(`source '${view.source}' is not known (validation runs first)`);
  const { description: _d, tags: _t, ...sourceData } = source;
  const batch = source.type === 'push' && source.batchSource !== undefined ? sources.get(source.batchSource) : undefined;
  const batchSource = batch ? (({ description: _bd, tags: _bt, ...data }) => data as Source)(batch) : undefined;
  return {
    entities: view.entities.map((name) => {
      const e = entities.get(name);
      if (!e) throw new Error(`entity '${name}' is not known (validation runs first)`);
      return { name: e.name, joinKeys: e.joinKeys };
    }),
    source: sourceData as Source,
    ...(batchSource ? { batchSource } : {}),
    // Expectations and a one-hot feature's answer shape are metadata: editing them must not make a new version.
    features: view.features.map(({ expect: _e, ...feature }) => ({ ...feature, transforms: feature.transforms.map(withoutAnswer) })),
    ...(view.fit ? { fitWindow: view.fit.window } : {}),
  };
}

/** A step without the one-hot `answer` option (how answers shape the columns, not what is stored). */
function withoutAnswer(step: TransformStep): TransformStep {
  if (step.encode?.method !== 'onehot' || step.encode.answer === undefined) return step;
  const { answer: _a, ...encode } = step.encode;
  return { ...step, encode };
}

export function fingerprint(definition: FeatureViewDefinition): string {
  return sha256(canonicalJson(definition));
}

/** Join key columns of a view, in entity order. */
export function joinKeysOf(definition: FeatureViewDefinition): { name: string; type: 'int64' | 'string' }[] {
  return definition.entities.flatMap((e) => e.joinKeys);
}

/**
 * Where two JSON values differ, as paths (`features[1].transforms`), at most `limit` of them. Used
 * to explain a plan: which part of a definition makes a new version.
 */
export function diffPaths(a: unknown, b: unknown, limit = 10): string[] {
  const out: string[] = [];
  walk(a, b, '', out, limit);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (canonicalJson(a) === canonicalJson(b)) return;
  const isObj = (v: unknown) => v !== null && typeof v === 'object';
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(path || '(root)');
      return;
    }
    a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, out, limit));
    return;
  }
  if (isObj(a) && isObj(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of [...keys].sort()) {
      walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out, limit);
    }
    return;
  }
  out.push(path || '(root)');
}
