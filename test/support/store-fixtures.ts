// Builders and shared types of the store contract suite (describeStoreContract).
import type { ResourceInput, StoredResource } from '../../src/core/resource.js';
import type { ResourceStore } from '../../src/core/store.js';

/** A store under test: the interface plus the readiness hook every Portico store implements. */
export type ContractStore = ResourceStore & { ready(): Promise<void> };

/** What the suite passes to a store factory. */
export interface ContractStoreOptions {
  /** The store must take creation and modification times from this clock. */
  readonly clock: () => Date;
}

/** Builds a fresh, empty store per test. */
export type MakeStore = (options: ContractStoreOptions) => Promise<ContractStore>;

/** A clock the suite moves by hand, so time assertions are exact. */
export class ManualClock {
  private ms = Date.parse('2024-01-02T03:04:05.678Z');
  /** The current time. */
  now(): Date {
    return new Date(this.ms);
  }
  /** Move time forward. */
  tick(ms: number): void {
    this.ms += ms;
  }
}

/** A MeshGateway input; `port` varies the spec so updates are visible. */
export function gateway(name: string, mesh = 'default', port = 8080): ResourceInput<'MeshGateway'> {
  return {
    kind: 'MeshGateway',
    mesh,
    name,
    spec: {
      selectors: [{ match: { 'kuma.io/service': name } }],
      tags: {},
      conf: { listeners: [{ port, protocol: 'HTTP', hostname: '', tags: {}, crossMesh: false }] },
    },
  };
}

/** A Mesh input (stored with mesh = name). */
export function mesh(name: string): ResourceInput<'Mesh'> {
  return { kind: 'Mesh', mesh: name, name, spec: {} };
}

/** The port a gateway was written with, to tell versions apart. */
export function portOf(resource: StoredResource<'MeshGateway'> | StoredResource | undefined): number | undefined {
  const spec = resource?.spec as ResourceInput<'MeshGateway'>['spec'] | undefined;
  return spec?.conf?.listeners[0]?.port;
}

/** Shared per-test state of the suite. */
export interface ContractContext {
  store: ContractStore;
  clock: ManualClock;
}

