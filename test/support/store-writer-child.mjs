// Child process of the SQLite crash test (src/core/sqlite-store.test.ts). It commits forever and
// prints one line per acknowledged commit; the test SIGKILLs it mid-stream and checks that every
// acknowledged commit survived. Each commit writes a new resource r-<seq> and updates `counter`,
// so the reopened file also shows whether commits stayed atomic.
// Usage: node store-writer-child.mjs <transpiled sqlite-store.js> <dataDir>
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';

const [storeModule, dataDir] = process.argv.slice(2);
if (!storeModule || !dataDir) throw new Error('usage: store-writer-child.mjs <sqlite-store.js> <dataDir>');

const { SqliteStore } = await import(pathToFileURL(storeModule).href);
const store = await SqliteStore.open({ dataDir, logger: pino({ level: 'silent' }) });

/** The resource a commit writes; `seq` in the tags is what the test checks after the crash. */
function gateway(name, seq) {
  return {
    kind: 'MeshGateway',
    mesh: 'default',
    name,
    spec: { selectors: [{ match: { 'kuma.io/service': name } }], tags: { seq: String(seq) } },
  };
}

// writeSync, not process.stdout.write: the line must leave the process only after the commit
// resolved, and must not sit in a buffer the SIGKILL would discard either.
writeSync(1, 'ready\n');
// Bounded so an orphaned child cannot run forever; the test kills it long before.
for (let seq = 0; seq < 1_000_000; seq++) {
  const [row, counter] = await store.commit([
    { op: 'put', resource: gateway(`r-${seq}`, seq) },
    { op: 'put', resource: gateway('counter', seq) },
  ]);
  writeSync(1, `ack ${seq} ${row.version} ${counter.version}\n`);
}
await store.close();
