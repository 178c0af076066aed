import { stepSpec } from '../domain/transform-spec.js';
import { chainOutputs } from '../transforms/chain.js';
import type { FeatureViewDefinition, FittedState, OutputColumnSchema } from '../domain/feature-view-version.js';

/**
 * The columns a version writes for its features, in feature order. A one-hot feature's columns are
 * known only once fitted: null until then.
 */
export function outputSchema(definition: FeatureViewDefinition, state: FittedState | null): OutputColumnSchema[] | null {
  const out: OutputColumnSchema[] = [];
  for (const feature of definition.features) {
    const states = state ? (state.features[feature.name] ?? null) : null;
    const columns = chainOutputs(feature.name, feature.type, feature.transforms.map(stepSpec), states);
    if (columns === null) return null;
    for (const c of columns) out.push({ name: c.name, type: c.type, feature: feature.name });
  }
  return out;
}
