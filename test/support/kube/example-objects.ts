// The repository's CRDs and the Kubernetes example (examples/kubernetes) as objects, adapted to a
// test on loopback: the gateway listens on a free port and the demo app's Dataplane points at a
// local backend. Shared by the fake-API-server and real-API-server end-to-end tests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { Obj } from '../fake-kube-api/index.js';
import { REPO_ROOT } from '../processes.js';

/** Every CustomResourceDefinition of crds/. */
export const CRDS: readonly Obj[] = readdirSync(path.join(REPO_ROOT, 'crds'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(path.join(REPO_ROOT, 'crds', f), 'utf8')) as Obj);

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'kubernetes');

/** The example's documents with the gateway port replaced and the demo app's Dataplane pointed at a local backend. */
export function exampleObjects(gatewayPort: number, demoPort: number): Obj[] {
  const docs = readdirSync(EXAMPLE)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(path.join(EXAMPLE, f), 'utf8')).map((d) => d.toJS() as Obj | null))
    .filter((d): d is Obj => d !== null);
  return docs.map((d) => {
    const text = JSON.stringify(d).replaceAll('"port":8080', `"port":${gatewayPort}`);
    const obj = JSON.parse(text) as Obj & { kind: string; spec?: { networking?: { address?: string; inbound?: { port: number }[] } } };
    if (obj.kind === 'Dataplane' && obj.spec?.networking) {
      obj.spec.networking.address = '127.0.0.1';
      for (const inbound of obj.spec.networking.inbound ?? []) inbound.port = demoPort;
    }
    return obj;
  });
}

/** Namespaces first, then everything else in order, as `kubectl apply -f` of a directory would. */
export function namespacesFirst(objects: readonly Obj[]): Obj[] {
  const isNamespace = (o: Obj) => (o as { kind?: string }).kind === 'Namespace';
  return [...objects.filter(isNamespace), ...objects.filter((o) => !isNamespace(o))];
}
