// Where the CLI finds the REST API and which user token it sends (docs/api-auth.md). Each
// setting comes from the first place that has it: the flag (--api, --api-token), the environment
// (PORTICO_API_URL, PORTICO_API_TOKEN), the config file, then the default (no token). The config
// file is `$XDG_CONFIG_HOME/portico/config.yaml` when XDG_CONFIG_HOME is set, else
// `~/.portico/config.yaml`, with keys `api` and `token`; kumactl keeps the same facts in its own
// config file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import type { CliIo } from './io.js';

// yaml is loaded only when there is a config file to read: without one, `get` and `delete` never
// need it, and loading it costs about as much as starting node itself (docs/operations.md, "CLI").
const require = createRequire(import.meta.url);

/** The environment variable holding the user token. */
export const API_TOKEN_ENV = 'PORTICO_API_TOKEN';

/** What the config file may set. */
export interface CliConfigFile {
  readonly api?: string;
  readonly token?: string;
}

/** Path of the config file for an environment, or undefined when there is no home to put it in. */
export function configFilePath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env['XDG_CONFIG_HOME']) return path.join(env['XDG_CONFIG_HOME'], 'portico', 'config.yaml');
  if (env['HOME']) return path.join(env['HOME'], '.portico', 'config.yaml');
  return undefined;
}

/** The config file's settings: empty when the file does not exist, a message when it is unusable. */
export function readConfigFile(file: string | undefined): { ok: true; value: CliConfigFile } | { ok: false; message: string } {
  if (file === undefined) return { ok: true, value: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: {} };
    return { ok: false, message: `cannot read config file ${file}: ${(err as Error).message}` };
  }
  let doc: unknown;
  try {
    doc = (require('yaml') as typeof import('yaml')).parse(text) ?? {};
  } catch (err) {
    return { ok: false, message: `config file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, message: `config file ${file} must be a map with keys api and token` };
  const o = doc as Record<string, unknown>;
  for (const key of ['api', 'token'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string') return { ok: false, message: `config file ${file}: ${key} must be a string` };
  }
  return { ok: true, value: { ...(typeof o['api'] === 'string' ? { api: o['api'] } : {}), ...(typeof o['token'] === 'string' ? { token: o['token'] } : {}) } };
}

/**
 * The API client for a command, from flags, environment and config file; a message when the file
 * or the CA file (`--api-ca-cert-file`, docs/tls.md) is unusable.
 */
export function apiClientFor(command: Command, io: CliIo): { ok: true; client: ApiClient } | { ok: false; message: string } {
  const root = rootOf(command);
  const env = io.env ?? {};
  const flags = root.opts<{ api: string; apiToken?: string; apiCaCertFile?: string }>();
  const ca = readCaFile(flags.apiCaCertFile);
  if (!ca.ok) return ca;
  const fileApiNeeded = root.getOptionValueSource('api') === 'default';
  const fileTokenNeeded = flags.apiToken === undefined && !env[API_TOKEN_ENV];
  const file = fileApiNeeded || fileTokenNeeded ? readConfigFile(configFilePath(env)) : { ok: true as const, value: {} };
  if (!file.ok) return file;
  const api = fileApiNeeded ? (file.value.api ?? flags.api) : flags.api;
  const token = flags.apiToken ?? (env[API_TOKEN_ENV] || undefined) ?? file.value.token;
  return { ok: true, client: new ApiClient(api, { ...(token === undefined ? {} : { token }), ...(ca.value === undefined ? {} : { ca: ca.value }) }) };
}

function readCaFile(file: string | undefined): { ok: true; value: string | undefined } | { ok: false; message: string } {
  if (!file) return { ok: true, value: undefined };
  try {
    return { ok: true, value: readFileSync(file, 'utf8') };
  } catch (err) {
    return { ok: false, message: `cannot read --api-ca-cert-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}
