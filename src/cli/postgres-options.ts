// The Postgres store's options of `cp run`, named after Kuma's `store.postgres.*` settings and read
// from the same KUMA_STORE_POSTGRES_* variables (docs/postgres-store.md). The password has no flag:
// a command line is visible to every user of the machine, the environment is not.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { PostgresSettings } from '../runtime/control-plane.js';

/** Kuma's TLS modes of the store connection. */
export const POSTGRES_TLS_MODES = ['disable', 'verifyNone', 'verifyCa', 'verifyFull'] as const;
export type PostgresTlsMode = (typeof POSTGRES_TLS_MODES)[number];

/** The parsed flags. */
export interface PostgresFlags {
  postgresHost: string;
  postgresPort: number;
  postgresUser: string;
  postgresDbName: string;
  postgresTlsMode: PostgresTlsMode;
  postgresTlsCaPath?: string;
  postgresTlsCertPath?: string;
  postgresTlsKeyPath?: string;
  postgresMaxOpenConnections: number;
  postgresConnectionTimeout: number;
}

function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer in [${min}, ${max}]`);
    return n;
  };
}

function tlsMode(value: string): PostgresTlsMode {
  if (!(POSTGRES_TLS_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${POSTGRES_TLS_MODES.join(', ')}`);
  return value as PostgresTlsMode;
}

/** Adds the options, with Kuma's defaults. */
export function addPostgresOptions(command: Command): Command {
  const option = (flags: string, description: string, env: string) => new Option(flags, description).env(`KUMA_STORE_POSTGRES_${env}`);
  return command
    .addOption(option('--postgres-host <host>', 'postgres store: server host', 'HOST').default('127.0.0.1'))
    .addOption(option('--postgres-port <port>', 'postgres store: server port', 'PORT').argParser(integerIn(1, 65535)).default(15432))
    .addOption(option('--postgres-user <user>', 'postgres store: user (the password comes from KUMA_STORE_POSTGRES_PASSWORD only)', 'USER').default('kuma'))
    .addOption(option('--postgres-db-name <name>', 'postgres store: database', 'DB_NAME').default('kuma'))
    .addOption(option('--postgres-tls-mode <mode>', `postgres store: TLS (${POSTGRES_TLS_MODES.join(', ')})`, 'TLS_MODE').argParser(tlsMode).default('disable'))
    .addOption(option('--postgres-tls-ca-path <file>', 'postgres store: CA certificate (PEM) the server must chain to (verifyCa, verifyFull)', 'TLS_CA_PATH'))
    .addOption(option('--postgres-tls-cert-path <file>', 'postgres store: client certificate (PEM)', 'TLS_CERT_PATH'))
    .addOption(option('--postgres-tls-key-path <file>', 'postgres store: key (PEM) of the client certificate', 'TLS_KEY_PATH'))
    .addOption(option('--postgres-max-open-connections <n>', 'postgres store: connection pool size', 'MAX_OPEN_CONNECTIONS').argParser(integerIn(1, 10_000)).default(50))
    .addOption(option('--postgres-connection-timeout <seconds>', 'postgres store: connect timeout in seconds', 'CONNECTION_TIMEOUT').argParser(integerIn(1, 3600)).default(5));
}

/** The store settings the flags and the environment describe; throws on an unusable combination. */
export function postgresSettings(flags: PostgresFlags, env: NodeJS.ProcessEnv = process.env): PostgresSettings {
  const password = env.KUMA_STORE_POSTGRES_PASSWORD;
  return {
    connection: {
      host: flags.postgresHost,
      port: flags.postgresPort,
      user: flags.postgresUser,
      database: flags.postgresDbName,
      ...(password !== undefined && password !== '' ? { password } : {}),
      connectionTimeoutMillis: flags.postgresConnectionTimeout * 1000,
      application_name: 'portico-cp',
      ...tlsOf(flags),
    },
    maxConnections: flags.postgresMaxOpenConnections,
  };
}

function tlsOf(flags: PostgresFlags): { ssl?: false | { rejectUnauthorized: boolean; ca?: string; cert?: string; key?: string; checkServerIdentity?: () => undefined } } {
  const { postgresTlsMode: mode, postgresTlsCaPath: caPath, postgresTlsCertPath: certPath, postgresTlsKeyPath: keyPath } = flags;
  if ((certPath === undefined) !== (keyPath === undefined)) throw new Error('--postgres-tls-cert-path and --postgres-tls-key-path go together');
  if (mode === 'disable') {
    if (caPath || certPath) throw new Error('--postgres-tls-mode disable takes no TLS files: choose verifyNone, verifyCa or verifyFull');
    return { ssl: false };
  }
  const read = (file: string | undefined, what: string) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the Postgres TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  const client = { ...(certPath ? { cert: read(certPath, 'certificate')! } : {}), ...(keyPath ? { key: read(keyPath, 'key')! } : {}) };
  if (mode === 'verifyNone') return { ssl: { rejectUnauthorized: false, ...client } };
  if (!caPath) throw new Error(`--postgres-tls-mode ${mode} needs --postgres-tls-ca-path (KUMA_STORE_POSTGRES_TLS_CA_PATH)`);
  const ca = read(caPath, 'CA')!;
  // verifyCa checks the chain only (libpq's verify-ca); verifyFull also the host name.
  return { ssl: { rejectUnauthorized: true, ca, ...client, ...(mode === 'verifyCa' ? { checkServerIdentity: () => undefined } : {}) } };
}
