// Benchmark plumbing: repeated measurements summarised as medians and percentiles, written as
// JSON so runs can be compared over time. Figures are for a shared 2-core machine: report medians
// and ratios, never assert them in tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Summary of repeated samples of one measurement, in milliseconds unless `unit` says otherwise. */
export interface Summary {
  readonly samples: number;
  readonly median: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

/** One benchmark scenario's result. */
export interface BenchResult {
  readonly id: string;
  readonly description: string;
  readonly metrics: Readonly<Record<string, Summary | number | string>>;
}

/** Percentile by nearest rank over sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Summarise samples. */
export function summarize(samples: readonly number[], unit = 'ms'): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    samples: sorted.length,
    median: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    unit,
  };
}

/** Time `fn` `runs` times after `warmup` untimed runs; returns the samples in ms. */
export async function time(fn: () => unknown, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** Wall-clock and CPU samples (ms) of the same runs. */
export interface WallAndCpu {
  readonly wall: number[];
  readonly cpu: number[];
}

/**
 * Like `time`, and also the process CPU time (user + system, all threads, so GC helpers too) of
 * each run: on a shared machine the wall clock mostly measures the other processes, the CPU time
 * much less so.
 */
export async function timeWithCpu(fn: () => unknown, runs: number, warmup = 3): Promise<WallAndCpu> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

/** Write all results with machine facts to bench/results/<timestamp>.json; returns the path. */
export function writeResults(results: readonly BenchResult[], dir = path.resolve('bench', 'results')): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const doc = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    results,
  };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}
