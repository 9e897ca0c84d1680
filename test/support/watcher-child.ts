// A process that runs one resource watcher and nothing else, so a test can see whether the
// watcher alone keeps the process alive while its API server is unreachable (the restart timer
// must not be unref'd). Argument: the API server port. Prints `failures <n>` as it retries and
// `synced` once the first list succeeded, then stops the watcher and lets the process end.
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { startWatcher } from '../../src/k8s/watch/resource-watcher.js';

const port = process.argv[2];
const kubeConfig = new KubeConfig();
kubeConfig.loadFromOptions({
  clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
  users: [{ name: 'u' }],
  contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
  currentContext: 'x',
});
const watcher = startWatcher({
  kubeConfig,
  path: '/api/v1/namespaces',
  logger: pino({ level: 'silent' }),
  backoff: { initialMs: 100, maxMs: 400 },
  resyncMs: 0,
});
let reported = 0;
const progress = setInterval(() => {
  const { consecutiveFailures } = watcher.health();
  if (consecutiveFailures > reported) process.stdout.write(`failures ${(reported = consecutiveFailures)}\n`);
}, 20).unref();
await watcher.synced;
clearInterval(progress);
process.stdout.write('synced\n');
await watcher.stop();
