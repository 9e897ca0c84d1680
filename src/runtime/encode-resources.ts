import type { SnapshotReferences } from '../xds/cache/consistency.js';
import type { EncodedResource } from '../xds/cache/snapshot.js';
import { encodeResource } from '../xds/envoy/encode.js';
import { RESOURCE_TYPE_URLS, type EnvoyResources } from '../xds/translator/translate.js';
import { collectReferences } from '../xds/translator/references.js';

/** Encoded resources of some types, with the references the consistency check needs. */
export interface EncodedTypes {
  /** Type URL -> encoded resources (sorted by name, as built). */
  readonly byType: Readonly<Record<string, readonly EncodedResource[]>>;
  readonly references: SnapshotReferences;
}

/** Encode every resource once (deterministic bytes) and record what refers to what. */
export function encodeEnvoyResources(resources: Partial<EnvoyResources>): EncodedTypes {
  const byType: Record<string, EncodedResource[]> = {};
  for (const [key, list] of Object.entries(resources) as [keyof EnvoyResources, EnvoyResources[keyof EnvoyResources]][]) {
    const typeUrl = RESOURCE_TYPE_URLS[key];
    byType[typeUrl] = list.map((r) => ({ name: r.name, bytes: encodeResource(typeUrl, r.resource) }));
  }
  return { byType, references: collectReferences(resources) };
}
