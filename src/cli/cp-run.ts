import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { DEFAULT_CONFIG, startControlPlane } from '../runtime/control-plane.js';

/** Longest a graceful stop may take before the process exits anyway (Kuma's default). */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function portOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port in [0, 65535] (0 = any free port)');
  return n;
}

function storeOption(value: string): 'memory' | 'embedded' {
  if (value !== 'memory' && value !== 'embedded') throw new InvalidArgumentError('must be memory or embedded');
  return value;
}

interface CpRunFlags {
  store: 'memory' | 'embedded';
  dataDir: string;
  apiPort: number;
  xdsPort: number;
  apiHost: string;
  xdsHost: string;
  logLevel: string;
}

/** `portico cp run`: the universal-mode control plane (REST API, xDS + bootstrap, store). */
export function cpRunCommand(): Command {
  const cp = new Command('cp').description('control plane commands');
  cp.command('run')
    .description('run the control plane: REST API, ADS and bootstrap server, resource store')
    .option('--store <type>', 'resource store: embedded (SQLite) or memory', storeOption, DEFAULT_CONFIG.store)
    .option('--data-dir <dir>', 'directory of the embedded store', DEFAULT_CONFIG.dataDir)
    .option('--api-port <port>', 'REST API port', portOption, DEFAULT_CONFIG.apiPort)
    .option('--xds-port <port>', 'dataplane port: ADS (gRPC) and POST /bootstrap', portOption, DEFAULT_CONFIG.xdsPort)
    .option('--api-host <host>', 'REST API bind address', DEFAULT_CONFIG.apiHost)
    .option('--xds-host <host>', 'dataplane port bind address', DEFAULT_CONFIG.xdsHost)
    .option('--log-level <level>', 'log level (trace, debug, info, warn, error)', 'info')
    .action(async (flags: CpRunFlags) => {
      const logger = pino({ level: flags.logLevel, base: { component: 'cp' } });
      const cpInstance = await startControlPlane({
        ...DEFAULT_CONFIG,
        store: flags.store,
        dataDir: path.resolve(flags.dataDir),
        apiPort: flags.apiPort,
        xdsPort: flags.xdsPort,
        apiHost: flags.apiHost,
        xdsHost: flags.xdsHost,
        logger,
      });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'stopping');
          const force = setTimeout(() => {
            logger.error('graceful stop took too long; exiting');
            process.exit(1);
          }, SHUTDOWN_TIMEOUT_MS);
          force.unref();
          cpInstance.stop().then(resolve, (err: unknown) => {
            logger.error({ err }, 'error while stopping');
            resolve();
          });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
    });
  return cp;
}
