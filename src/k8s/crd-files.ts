// The text of the generated `crds/` files and of `portico install crds`. One function renders both
// so that what the CLI prints is byte for byte what the repository ships. Pure: no I/O.

import { stringify } from 'yaml';
import { desiredCrds, type CustomResourceDefinition } from './crds.js';

/** One generated file of `crds/`. */
export interface CrdFile {
  /** `kuma.io_<plural>.yaml`, the name controller-gen gives Kuma's CRDs. */
  readonly fileName: string;
  readonly content: string;
}

/** Directory of the generated CRDs, relative to the repository root. */
export const CRD_DIRECTORY = 'crds';

const HEADER = '# Generated from the schemas in src/api by `npm run gen`; do not edit.\n';

/** The file name of a CRD in `crds/`. */
export function crdFileName(crd: CustomResourceDefinition): string {
  return `${crd.spec.group}_${crd.spec.names.plural}.yaml`;
}

// YAML 1.1 because kubectl reads YAML 1.1: strings such as `y`, `on` or `True` must be quoted for
// it, and the 1.1 schema quotes them. No line folding, no anchors for shared sub-schemas.
function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

/** Every file of `crds/`, sorted by file name. */
export function renderCrdFiles(crds: readonly CustomResourceDefinition[] = desiredCrds()): CrdFile[] {
  return crds
    .map((crd) => ({ fileName: crdFileName(crd), content: HEADER + toYaml(crd) }))
    .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}

/** Every CRD as one multi-document YAML stream, in apply order (`kubectl apply -f -`). */
export function renderCrdManifest(crds: readonly CustomResourceDefinition[] = desiredCrds()): string {
  return HEADER + crds.map((crd) => `---\n${toYaml(crd)}`).join('');
}
