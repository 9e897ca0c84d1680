// Prints the functions with the most self time in a V8 .cpuprofile (as written by the scale
// benchmark with BENCH_SCALE_CPU_PROFILE, or by node --cpu-prof).
// Usage: node dist/bench/profile-top.js <file.cpuprofile> [count]
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, countArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top <file.cpuprofile> [count]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((nodeId, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  totalUs += dt;
  const frame = byNode.get(nodeId)?.callFrame;
  const where = frame?.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
  const key = `${frame?.functionName || '(anonymous)'} ${where}`.trim();
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
});
const top = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 25));
process.stdout.write(`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled\n`);
for (const [name, us] of top) process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
