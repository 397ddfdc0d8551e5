/** Shared shape of benchmarks: each prints a table, and with `--json` one object of its figures. */
import { readFileSync, writeFileSync } from 'node:fs';

/** Options every benchmark receives. */
export interface BenchOptions {
  /** Problem size (records, bytes, events: the benchmark says which); undefined = its default. */
  size: number | undefined;
  /** Extra `--key value` arguments. */
  args: Record<string, string | boolean>;
  /** Where to put temporary files. */
  workDir: string;
  /** Progress lines for humans (suppressed with --json). */
  log: (line: string) => void;
}

/** What a benchmark returns. */
export interface BenchResult {
  /** The figures printed as one JSON object with `--json`. */
  figures: Record<string, number | string | boolean | null | Record<string, unknown>>;
  /** Rows printed as a table otherwise: [label, value, note?]. */
  table: [string, string, string?][];
}

/** A benchmark module's default export. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

/** Measures a synchronous or async function in milliseconds. */
export async function timeMs<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * Resets the kernel's record of this process's peak RSS (Linux: `5` to `/proc/self/clear_refs`).
 * @returns false where that is not possible (then only sampling sees the peak).
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The kernel's peak RSS of this process since the last reset, in bytes (`VmHWM`), or 0. */
function kernelPeakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak RSS from now until stopped, in MB. Sampling alone misses what happens inside long
 * synchronous calls (an index rebuild, a write transaction): on Linux the kernel's high-water mark,
 * reset at the start, is taken as well.
 */
export function rssSampler(intervalMs = 10): { stop: () => number; peakMb: () => number } {
  const kernel = resetPeakRss();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), intervalMs);
  timer.unref();
  const peakMb = () => Math.max(peak, process.memoryUsage.rss(), kernel ? kernelPeakRss() : 0) / 1e6;
  return {
    peakMb,
    stop: () => {
      clearInterval(timer);
      return peakMb();
    },
  };
}

/** Formats a number with thousands separators. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
