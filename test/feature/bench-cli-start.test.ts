// Keeps the CLI start-up benchmark (bench/cli-start.ts) honest: one round of every command against
// its own control plane, each checked for its exit code and output (the harness throws otherwise),
// and every figure reported. No timing is asserted (that is the benchmark's job); the CLI must be
// built (`npm test` builds first).
import { describe, expect, it } from 'vitest';
import { benchCliStart } from '../../bench/cli-start.js';

describe('CLI start-up benchmark', () => {
  it('runs --help, get --help, apply --help, apply -f and get meshes, and reports each beside node -e 0', async () => {
    const result = await benchCliStart(1, 0);
    expect(result.id).toBe('cli-start');
    for (const command of ['portico --help', 'portico get --help', 'portico apply --help', 'portico apply -f', 'portico get meshes']) {
      expect(result.metrics[command], command).toMatchObject({ samples: 1, unit: 'ms' });
      expect(typeof result.metrics[`${command} / node -e 0`], command).toBe('number');
    }
    expect(result.metrics['node -e 0']).toMatchObject({ samples: 1 });
  }, 60_000);
});
