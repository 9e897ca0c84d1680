import type { Kind } from './resource.js';

/** Facts about one resource kind, declared as data (Kuma's resource-type descriptors). */
export interface ResourceType {
  readonly kind: Kind;
  /** REST path segment and CLI name: `meshgateways`. */
  readonly plural: string;
  /** Singular CLI name: `meshgateway`. */
  readonly singular: string;
  /** Short CLI aliases (`mgw`). */
  readonly aliases: readonly string[];
  /** `global` kinds (Mesh) are not inside a mesh; `mesh` kinds live in one mesh. */
  readonly scope: 'global' | 'mesh';
  /**
   * The spec is confidential (Secret data): the REST API never lists it, shows it on a single
   * GET only when asked with `?reveal=true`, never echoes it in write answers, and it never
   * reaches a log line. Absent means false.
   */
  readonly confidential?: boolean;
}

/** Every kind Portico stores, in apply order: a Mesh before the resources inside it. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  { kind: 'Mesh', plural: 'meshes', singular: 'mesh', aliases: [], scope: 'global' },
  { kind: 'Dataplane', plural: 'dataplanes', singular: 'dataplane', aliases: ['dp'], scope: 'mesh' },
  { kind: 'MeshGateway', plural: 'meshgateways', singular: 'meshgateway', aliases: ['mgw'], scope: 'mesh' },
  {
    kind: 'MeshGatewayRoute',
    plural: 'meshgatewayroutes',
    singular: 'meshgatewayroute',
    aliases: ['mgwr'],
    scope: 'mesh',
  },
  // Last: nothing in the store depends on a Secret existing first (references resolve at generation).
  { kind: 'Secret', plural: 'secrets', singular: 'secret', aliases: ['sec'], scope: 'mesh', confidential: true },
  // Secrets of the control plane itself (token signing keys), outside every mesh, as in Kuma.
  { kind: 'GlobalSecret', plural: 'global-secrets', singular: 'global-secret', aliases: ['globalsecret', 'globalsecrets'], scope: 'global', confidential: true },
];

/** True for kinds outside any mesh (stored with mesh = name). */
export function isGlobalKind(kind: Kind): boolean {
  return resourceType(kind).scope === 'global';
}

/** The type of a kind. */
export function resourceType(kind: Kind): ResourceType {
  const t = RESOURCE_TYPES.find((r) => r.kind === kind);
  if (!t) throw new Error(`unknown kind ${kind}`);
  return t;
}

/** Resolve a user-typed name (kind, plural, singular or alias, any case) to a type. */
export function findResourceType(name: string): ResourceType | undefined {
  const n = name.toLowerCase();
  return RESOURCE_TYPES.find(
    (t) => t.kind.toLowerCase() === n || t.plural === n || t.singular === n || t.aliases.includes(n),
  );
}
