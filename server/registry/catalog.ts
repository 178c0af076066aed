import type { AlertRule, Webhook } from '../alerts/alert-definition.js';
import type { Monitor } from '../monitoring/monitors/monitor-definition.js';
import type { Entity, EntityInput } from '../domain/entity.js';
import type { FeatureService } from '../domain/feature-service.js';
import type { FeatureViewInput, FeatureViewMetadata } from '../domain/feature-view.js';
import type { Source } from '../domain/source.js';
import type { FeatureViewVersion } from '../domain/feature-view-version.js';

export interface EntityRecord {
  name: string;
  spec: EntityInput;
  entity: Entity;
  createdAt: number;
  updatedAt: number;
}

export interface SourceRecord {
  name: string;
  spec: Source;
  createdAt: number;
  updatedAt: number;
}

export interface FeatureViewRecord {
  name: string;
  /** The latest applied input, metadata included. */
  spec: FeatureViewInput;
  metadata: FeatureViewMetadata;
  /** Oldest first; never empty. */
  versions: FeatureViewVersion[];
  createdAt: number;
  updatedAt: number;
}

export interface FeatureServiceRecord {
  name: string;
  spec: FeatureService;
  createdAt: number;
  updatedAt: number;
}

/** An alert rule or a webhook, stored as applied. */
export interface SpecRecord<T> {
  name: string;
  spec: T;
  createdAt: number;
  updatedAt: number;
}

/** The whole catalog, read at once: definitions are small, and every reader wants a consistent view. */
export interface Catalog {
  revision: number;
  entities: Map<string, EntityRecord>;
  sources: Map<string, SourceRecord>;
  featureViews: Map<string, FeatureViewRecord>;
  featureServices: Map<string, FeatureServiceRecord>;
  alerts: Map<string, SpecRecord<AlertRule>>;
  webhooks: Map<string, SpecRecord<Webhook>>;
  monitors: Map<string, SpecRecord<Monitor>>;
}

export type ObjectKind = 'entity' | 'source' | 'featureView' | 'featureService' | 'alert' | 'webhook' | 'monitor';

export function emptyCatalog(): Catalog {
  return { revision: 0, entities: new Map(), sources: new Map(), featureViews: new Map(), featureServices: new Map(), alerts: new Map(), webhooks: new Map(), monitors: new Map() };
}

export function latestVersion(view: FeatureViewRecord): FeatureViewVersion {
  return view.versions[view.versions.length - 1];
}

export function findVersion(view: FeatureViewRecord, version: number | null): FeatureViewVersion | undefined {
  return version === null ? latestVersion(view) : view.versions.find((v) => v.version === version);
}
