/** Shared shape of benchmarks: each prints a table, and with `--json` one object of its figures. */

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

/** Samples RSS every few ms until stopped; returns the peak in MB. */
export function rssSampler(intervalMs = 10): { stop: () => number; peakMb: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), intervalMs);
  timer.unref();
  const peakMb = () => Math.max(peak, process.memoryUsage.rss()) / 1e6;
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
