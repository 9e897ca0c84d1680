// Prints the longest busy stretches of a V8 .cpuprofile (runs of samples with no `(idle)` among
// them: the event loop did not wait for I/O, so a timer or a request arriving then waited) and,
// for each, the functions with the most inclusive time in it, ranked by the time the thread ran. The loop-delay histogram of the
// scale benchmark says how long the loop stalled; this says what it was doing meanwhile.
// Usage: node dist/bench/profile-stalls.js <file.cpuprofile> [stretches] [functions]
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A run of busy samples: indexes [from, to), its length in µs, and of that the time sampled. */
interface Stretch {
  readonly from: number;
  readonly to: number;
  readonly us: number;
  readonly ranUs: number;
  readonly startUs: number;
}

/**
 * A gap between two samples much longer than the sampling interval means the thread was not
 * running (a shared machine's run queue), so a stretch's running time counts each sample's delta
 * up to this much; stretches are ranked by it.
 */
const MAX_SAMPLE_US = 2_000;

const [file, stretchArg, countArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-stalls <file.cpuprofile> [stretches] [functions]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function nameOf(nodeId: number): string {
  const frame = byNode.get(nodeId)?.callFrame;
  const where = frame?.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
  return `${frame?.functionName || '(anonymous)'} ${where}`.trim();
}

/** Splits the samples at every `(idle)` one. */
function busyStretches(): Stretch[] {
  const found: Stretch[] = [];
  let from = -1;
  let us = 0;
  let ranUs = 0;
  let startUs = 0;
  let clock = 0;
  profile.samples.forEach((nodeId, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    clock += dt;
    const idle = byNode.get(nodeId)?.callFrame.functionName === '(idle)';
    if (idle) {
      if (from >= 0) found.push({ from, to: i, us, ranUs, startUs });
      from = -1;
      return;
    }
    if (from < 0) {
      from = i;
      us = 0;
      ranUs = 0;
      startUs = clock;
    }
    // A sample's delta is the time since the previous one: it belongs to this stretch.
    us += dt;
    ranUs += Math.min(dt, MAX_SAMPLE_US);
  });
  if (from >= 0) found.push({ from, to: profile.samples.length, us, ranUs, startUs });
  return found;
}

/** Inclusive µs per function over the stretch's samples (a recursive function counted once per sample). */
function inclusive(stretch: Stretch): Map<string, number> {
  const total = new Map<string, number>();
  for (let i = stretch.from; i < stretch.to; i++) {
    const dt = Math.min(profile.timeDeltas[i] ?? 0, MAX_SAMPLE_US);
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) seen.add(nameOf(id));
    for (const name of seen) total.set(name, (total.get(name) ?? 0) + dt);
  }
  return total;
}

const stretches = busyStretches().sort((a, b) => b.ranUs - a.ranUs).slice(0, Number(stretchArg ?? 5));
const count = Number(countArg ?? 15);
for (const s of stretches) {
  const head = `busy ${(s.us / 1000).toFixed(1)} ms from ${(s.startUs / 1000).toFixed(0)} ms, of which about ${(s.ranUs / 1000).toFixed(1)} ms running`;
  process.stdout.write(`${head} (${s.to - s.from} samples)\n`);
  const top = [...inclusive(s)].sort((a, b) => b[1] - a[1]).slice(0, count);
  for (const [name, us] of top) process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ms  ${name}\n`);
}
