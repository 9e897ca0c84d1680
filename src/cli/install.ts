// `portico install <what>`: prints Kubernetes manifests for `kubectl apply -f -`, the way
// `kumactl install` does. `install crds` prints the CRDs of crds/ (the same renderer, so the same
// bytes); `install control-plane` prints the control plane itself (namespace, RBAC, webhook
// certificate Secret, Deployment, Service, validating webhook configuration).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { renderCrdManifest } from '../k8s/crd-files.js';
import {
  CONTROL_PLANE_NAME,
  DEFAULT_CONTROL_PLANE_IMAGE,
  DEFAULT_CONTROL_PLANE_NAMESPACE,
  desiredControlPlaneManifests,
  renderControlPlaneManifest,
  ZONE_TOKEN_SECRET,
  type InstallMultizone,
} from '../k8s/render/control-plane-manifests.js';
import {
  checkWebhookCertificates,
  generateWebhookCertificates,
  webhookDnsNames,
  type WebhookCertificates,
} from '../k8s/webhook-certificates.js';

/** Options of `portico install control-plane`. */
interface ControlPlaneFlags {
  readonly namespace: string;
  readonly image: string;
  readonly replicas: number;
  readonly webhookCaFile?: string;
  readonly webhookCertFile?: string;
  readonly webhookKeyFile?: string;
  readonly mode?: 'global' | 'zone';
  readonly zone?: string;
  readonly globalAddress?: string;
}

// A Kubernetes namespace name: an RFC 1123 label.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function namespaceOption(value: string): string {
  if (!NAMESPACE.test(value)) throw new InvalidArgumentError('must be a Kubernetes namespace name (lowercase letters, digits and "-", at most 63)');
  return value;
}

function replicasOption(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** The `install` command with its `crds` and `control-plane` subcommands. */
export function installCommand(): Command {
  const install = new Command('install').description('print Kubernetes manifests to pipe into kubectl apply -f -');
  install
    .command('crds')
    .description('print the CustomResourceDefinitions (kuma.io/v1alpha1) as one multi-document YAML')
    .action((_options: unknown, command: Command) => {
      // Written through commander's output so that main()'s configureOutput reaches it (tests, io).
      command.configureOutput().writeOut?.(renderCrdManifest());
    });
  install
    .command('control-plane')
    .description('print the control plane (namespace, RBAC, Deployment, Service, admission webhook) as one multi-document YAML')
    .option('--namespace <ns>', 'namespace of the control plane, and of mesh Secrets', namespaceOption, DEFAULT_CONTROL_PLANE_NAMESPACE)
    .option('--image <image>', 'image of the control plane and of gateway pods', DEFAULT_CONTROL_PLANE_IMAGE)
    .option('--replicas <n>', 'control plane replicas (they elect one leader, with a Lease, to run the controllers)', replicasOption, 1)
    .option('--webhook-ca-file <file>', 'CA (PEM) that signed the webhook certificate; default: a new CA is generated')
    .option('--webhook-cert-file <file>', 'webhook serving certificate (PEM), valid for portico-control-plane.<ns>.svc')
    .option('--webhook-key-file <file>', 'webhook serving private key (PEM)')
    .option('--mode <mode>', 'multi-zone role: global, or zone (federated with --zone and --global-address); default: a zone without global', modeOption)
    .option('--zone <name>', 'federated zone: the zone name')
    .option('--global-address <url>', `federated zone: grpcs://HOST:PORT of the global; the zone token and the global's CA come from Secret ${ZONE_TOKEN_SECRET} (keys token, ca.crt)`)
    .action((flags: ControlPlaneFlags, command: Command) => {
      const multizone = multizoneOf(flags, command);
      const certs = webhookCertificates(flags, command);
      const manifests = desiredControlPlaneManifests({
        namespace: flags.namespace,
        image: flags.image,
        replicas: flags.replicas,
        webhookCert: certs,
        ...(multizone ? { multizone } : {}),
      });
      command.configureOutput().writeOut?.(renderControlPlaneManifest(manifests));
    });
  return install;
}

function modeOption(value: string): 'global' | 'zone' {
  if (value !== 'global' && value !== 'zone') throw new InvalidArgumentError('must be global or zone');
  return value;
}

/** The role from --mode, --zone and --global-address; a usage error when they do not fit together. */
function multizoneOf(flags: ControlPlaneFlags, command: Command): InstallMultizone | undefined {
  if (flags.mode === 'global') {
    if (flags.zone !== undefined || flags.globalAddress !== undefined) command.error('error: --zone and --global-address are for --mode zone');
    return { mode: 'global' };
  }
  if (flags.mode === undefined && flags.zone === undefined && flags.globalAddress === undefined) return undefined;
  if (flags.zone === undefined || flags.globalAddress === undefined) command.error('error: a federated zone needs --mode zone, --zone and --global-address');
  if (!/^grpcs?:\/\//.test(flags.globalAddress!)) command.error('error: --global-address must be grpc://HOST:PORT or grpcs://HOST:PORT');
  return { mode: 'zone', zone: flags.zone!, globalAddress: flags.globalAddress! };
}

/**
 * The user's certificates when all three files are given (checked, since a wrong one makes every
 * admission call fail), new ones when none is; anything in between is a usage error.
 */
function webhookCertificates(flags: ControlPlaneFlags, command: Command): WebhookCertificates {
  const files = [flags.webhookCaFile, flags.webhookCertFile, flags.webhookKeyFile];
  if (files.every((f) => f === undefined)) {
    return generateWebhookCertificates({ namespace: flags.namespace, serviceName: CONTROL_PLANE_NAME });
  }
  if (files.some((f) => f === undefined)) {
    command.error('error: --webhook-ca-file, --webhook-cert-file and --webhook-key-file go together: give all three or none');
  }
  const certs = {
    caPem: readPem(command, '--webhook-ca-file', flags.webhookCaFile ?? ''),
    certPem: readPem(command, '--webhook-cert-file', flags.webhookCertFile ?? ''),
    keyPem: readPem(command, '--webhook-key-file', flags.webhookKeyFile ?? ''),
  };
  const [serviceName = CONTROL_PLANE_NAME] = webhookDnsNames(flags.namespace, CONTROL_PLANE_NAME);
  const problems = checkWebhookCertificates(certs, serviceName);
  if (problems.length > 0) command.error(problems.map((p) => `error: ${p}`).join('\n'));
  return certs;
}

function readPem(command: Command, flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return command.error(`error: cannot read ${flag} ${file}: ${reason}`);
  }
}
