// The subcommands of `portico` as data: each with what `portico --help` lists for it and how to
// load it. main.ts loads only the command a run names, so `portico --help` or `portico get ...`
// never imports the control plane, the Envoy protos or the Kubernetes client (docs/operations.md,
// "CLI"). command-table.test.ts checks every entry against the command it loads.
import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** One subcommand. */
export interface CommandEntry {
  readonly name: string;
  /** What the root help lists: the name with `[options]` and the arguments, as commander writes it. */
  readonly term: string;
  readonly description: string;
  readonly load: (io: CliIo, done: (code: number) => void) => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'apply',
    term: 'apply [options]',
    description: 'create or update resources from a YAML file, all or nothing',
    load: async (io, done) => (await import('./apply.js')).applyCommand(io, done),
  },
  {
    name: 'get',
    term: 'get [options] <kind> [name]',
    description: 'show resources of one kind, or one resource by name',
    load: async (io, done) => (await import('./get.js')).getCommand(io, done),
  },
  {
    name: 'delete',
    term: 'delete [options] <kind> <name>',
    description: 'delete one resource',
    load: async (io, done) => (await import('./delete.js')).deleteCommand(io, done),
  },
  {
    name: 'inspect',
    term: 'inspect [options] <kind> [name]',
    description:
      'show dataplanes, meshes, gateways and routes with their status (connected, acknowledged, last NACK, conditions), what applies to a dataplane, or where a connection policy applies',
    load: async (io, done) => (await import('./inspect.js')).inspectCommand(io, done),
  },
  { name: 'generate', term: 'generate', description: 'generate tokens', load: async (io, done) => (await import('./generate.js')).generateCommand(io, done) },
  {
    name: 'admin-token',
    term: 'admin-token',
    description: 'print the admin user token (GlobalSecret admin-user-token); works over loopback on the control-plane machine',
    load: async (io, done) => (await import('./generate.js')).adminTokenCommand(io, done),
  },
  {
    name: 'translate',
    term: 'translate [options]',
    description: 'print the Envoy resources a dataplane (gateway or sidecar) would receive, computed offline from resource files',
    load: async (io, done) => (await import('./translate.js')).translateCommand(io, done),
  },
  { name: 'install', term: 'install', description: 'print Kubernetes manifests to pipe into kubectl apply -f -', load: async () => (await import('./install.js')).installCommand() },
  { name: 'cp', term: 'cp', description: 'control plane commands', load: async () => (await import('./cp-run.js')).cpRunCommand() },
  { name: 'dp', term: 'dp', description: 'dataplane (Envoy) commands', load: async () => (await import('./dp-run.js')).dpRunCommand() },
];

// Root options that take a value: their value is not the command's name.
const VALUE_OPTIONS = new Set(['--api', '--api-token', '--api-ca-cert-file']);

/** The entry a command line names (`portico [root options] <name> ...`, or `portico help <name>`). */
export function requestedCommand(args: readonly string[]): CommandEntry | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    const name = arg === 'help' ? args[i + 1] : arg;
    return COMMANDS.find((c) => c.name === name);
  }
  return undefined;
}
