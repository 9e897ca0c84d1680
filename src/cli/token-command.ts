// What `generate dataplane-token` and `generate zone-token` share: a parsed request is issued by
// the control plane (POST to its token route) or signed offline with a signing-key file and its
// key number, and the token goes to stdout and nowhere else.
import { readFileSync } from 'node:fs';
import type { Result } from '../api/violation.js';
import { formatFailure, type ApiClient } from './api-client.js';
import { printError, type CliIo } from './output.js';

/** How one token kind is requested and signed. */
export interface TokenCommandSpec<R> {
  /** `dataplane` or `zone`: names the request in messages. */
  readonly kind: string;
  /** The request parsed from the flags, or its violations. */
  readonly parsed: Result<R>;
  /** The flag a request field comes from, so that messages name what the user typed. */
  readonly flagOf: (field: string) => string;
  /** The REST route and JSON body that issue the token online. */
  readonly route: string;
  readonly body: (request: R) => unknown;
  /** Signs offline with a private key (PEM) and its key number; throws with a user message. */
  readonly signOffline: (request: R, pem: string, kid: string, now: number) => Promise<string>;
}

/** The signing-key flags, shared by both commands. */
export interface SigningKeyFlags {
  readonly signingKeyPath?: string;
  readonly kid?: string;
}

/** Runs a token command; returns the exit code. */
export async function runTokenCommand<R>(
  io: CliIo,
  spec: TokenCommandSpec<R>,
  flags: SigningKeyFlags,
  client: () => { ok: true; client: ApiClient } | { ok: false; message: string },
  now: () => number,
): Promise<number> {
  const { parsed } = spec;
  if (!parsed.ok) {
    printError(io, [`invalid ${spec.kind} token request`, ...parsed.violations.map((v) => `  ${spec.flagOf(v.field)}: ${v.message}`)].join('\n'));
    return 1;
  }
  if ((flags.signingKeyPath === undefined) !== (flags.kid === undefined)) {
    printError(io, '--signing-key-path and --kid go together');
    return 1;
  }
  let token: string | undefined;
  if (flags.signingKeyPath) token = await offline(io, spec, parsed.value, flags.signingKeyPath, flags.kid ?? '', now());
  else {
    // The API connection (URL and user token) is resolved only when the control plane is asked.
    const connection = client();
    if (!connection.ok) {
      printError(io, connection.message);
      return 1;
    }
    token = await online(io, spec, parsed.value, connection.client);
  }
  if (token === undefined) return 1;
  io.stdout(`${token}\n`);
  return 0;
}

async function online<R>(io: CliIo, spec: TokenCommandSpec<R>, request: R, client: ApiClient): Promise<string | undefined> {
  const result = await client.post(spec.route, spec.body(request));
  if (result.ok) return String(result.body).trim();
  printError(io, formatFailure(result));
  return undefined;
}

async function offline<R>(io: CliIo, spec: TokenCommandSpec<R>, request: R, keyPath: string, kid: string, now: number): Promise<string | undefined> {
  let pem: string;
  try {
    pem = readFileSync(keyPath, 'utf8');
  } catch (err) {
    printError(io, `cannot read the signing key ${keyPath}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
  try {
    return await spec.signOffline(request, pem, kid, now);
  } catch (err) {
    printError(io, (err as Error).message);
    return undefined;
  }
}
