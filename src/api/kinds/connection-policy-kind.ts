// The descriptor of a classic connection policy kind: every such kind is a mesh-scoped,
// cluster-scoped CRD with `mesh` beside `spec`, listed with MESH, NAME and AGE only (as kumactl
// lists them; its names come from connectionPolicyNames in names.ts). A kind declares its names,
// schema and checks; the rest is the same for all.
import type { ConnectionPolicySpec } from '../connection-policy.js';
import type { ObjectSchema } from '../schema.js';
import type { Violation } from '../violation.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN } from './columns.js';
import { defineResourceKind, GLOBAL_TO_ZONES, type KindNames, type ResourceKindDescriptor } from './descriptor.js';

/** What differs between connection policy kinds. */
export interface ConnectionPolicyKindFacts<K extends string, S> {
  /** Names, scope and columns: KIND_NAMES entries made by connectionPolicyNames (names.ts). */
  readonly names: KindNames<K>;
  /** CRD plural (`circuitbreakers`); the CRD singular is the kind in lower case. */
  readonly crdPlural: string;
  readonly schema: ObjectSchema;
  readonly validate: (spec: S) => Violation[];
}

/** Declares a connection policy kind. */
export function defineConnectionPolicyKind<const K extends string, S extends ConnectionPolicySpec<unknown>>(
  facts: ConnectionPolicyKindFacts<K, S>,
): ResourceKindDescriptor<K, S> {
  return defineResourceKind<K, S>({
    ...facts.names,
    confidential: false,
    schema: facts.schema,
    validate: facts.validate,
    kubernetes: {
      form: 'crd',
      scope: 'Cluster',
      printerColumns: [MESH_PRINTER_COLUMN, AGE_PRINTER_COLUMN],
      names: { plural: facts.crdPlural, singular: facts.names.kind.toLowerCase(), shortNames: [] },
    },
    multizone: GLOBAL_TO_ZONES,
  });
}
