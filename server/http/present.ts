import { formatDuration } from '../domain/duration.js';
import { isCredentialHeader } from '../domain/secret-ref.js';
import type { Source } from '../domain/source.js';
import { formatTimestamp } from '../domain/time.js';
import type { FeatureViewVersion } from '../domain/feature-view-version.js';
import type { EntityRecord, FeatureServiceRecord, FeatureViewRecord, SourceRecord, SpecRecord } from '../registry/catalog.js';
import { outputSchema } from '../registry/output-schema.js';

/** JSON shapes of catalog objects in the API: specs as applied, times in RFC 3339. */

const times = (r: { createdAt: number; updatedAt: number }) => ({ createdAt: formatTimestamp(r.createdAt), updatedAt: formatTimestamp(r.updatedAt) });

export function presentEntity(r: EntityRecord) {
  return { ...r.spec, joinKeys: r.entity.joinKeys, ...times(r) };
}

export function presentSource(r: SourceRecord) {
  return { ...redactSource(r.spec), ...times(r) };
}

/**
 * A source as the API shows it. Credential headers are `{env: NAME}` references since they were
 * refused in clear; one stored in clear before that (an older registry) is not shown.
 */
export function redactSource(source: Source): Source {
  if (source.type !== 'http' || !source.headers) return source;
  const headers = Object.fromEntries(Object.entries(source.headers).map(([name, value]) => [name, typeof value === 'string' && isCredentialHeader(name) ? REDACTED : value]));
  return { ...source, headers };
}

const REDACTED = '(hidden: a credential in clear, applied before credentials had to be {env: NAME} references)';

export function presentService(r: FeatureServiceRecord) {
  return { ...r.spec, ...times(r) };
}

/** An alert rule or a webhook (a webhook's secret is an `{env}` reference, never the secret). */
export function presentSpec<T extends object>(r: SpecRecord<T>) {
  return { ...r.spec, ...times(r) };
}

export function presentVersionSummary(v: FeatureViewVersion) {
  return {
    version: v.version,
    reason: v.reason,
    fingerprint: v.fingerprint,
    createdAt: formatTimestamp(v.createdAt),
    fitted: v.fittedState !== null,
    fittedAt: v.fittedAt === null ? null : formatTimestamp(v.fittedAt),
    fitRows: v.fittedState?.rows ?? null,
    outputSchema: outputSchema(v.definition, v.fittedState),
  };
}

export function presentVersion(v: FeatureViewVersion, extra: Record<string, unknown> = {}) {
  return {
    featureView: v.view,
    ...presentVersionSummary(v),
    definition: { ...v.definition, source: redactSource(v.definition.source), ...(v.definition.batchSource ? { batchSource: redactSource(v.definition.batchSource) } : {}) },
    fittedState: v.fittedState,
    ...extra,
  };
}

export function presentFeatureView(r: FeatureViewRecord) {
  const latest = r.versions[r.versions.length - 1];
  return {
    ...r.spec,
    ttl: r.metadata.ttl,
    ttlText: formatDuration(r.metadata.ttl),
    latestVersion: latest.version,
    joinKeys: latest.definition.entities.flatMap((e) => e.joinKeys),
    versions: r.versions.map(presentVersionSummary),
    ...times(r),
  };
}
