// `portico install <what>`: prints Kubernetes manifests for `kubectl apply -f -`, the way
// `kumactl install` does. `install crds` prints the CRDs of crds/ (the same renderer, so the same
// bytes); `install control-plane` comes with the Kubernetes mode.
import { Command } from 'commander';
import { renderCrdManifest } from '../k8s/crd-files.js';

/** The `install` command with its `crds` subcommand. */
export function installCommand(): Command {
  const install = new Command('install').description('print Kubernetes manifests to pipe into kubectl apply -f -');
  install
    .command('crds')
    .description('print the CustomResourceDefinitions (kuma.io/v1alpha1) as one multi-document YAML')
    .action((_options: unknown, command: Command) => {
      // Written through commander's output so that main()'s configureOutput reaches it (tests, io).
      command.configureOutput().writeOut?.(renderCrdManifest());
    });
  return install;
}
