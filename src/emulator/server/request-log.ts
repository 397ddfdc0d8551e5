/** Every request the emulator answered, for tests and benchmarks (never bodies or tokens). */
import type { FaultTarget, RequestEntry } from '../types';

/** Filter for {@link RequestLog.count} and {@link RequestLog.list}. */
export interface RequestFilter {
  target?: RequestEntry['target'];
  service?: RequestEntry['service'];
  status?: number;
  fault?: RequestEntry['fault'] | 'any';
  pathIncludes?: string;
}

const MAX_KEPT = 500_000;

/** An append-only log with a bounded memory footprint (the oldest entries go first). */
export class RequestLog {
  private readonly entries: RequestEntry[] = [];
  private seq = 0;
  private dropped = 0;

  /** Records one answered request and returns its sequence number. */
  add(entry: Omit<RequestEntry, 'seq'>): number {
    const seq = ++this.seq;
    this.entries.push({ seq, ...entry });
    if (this.entries.length > MAX_KEPT) {
      this.entries.splice(0, this.entries.length - MAX_KEPT);
      this.dropped++;
    }
    return seq;
  }

  /** Requests answered so far (including any no longer kept). */
  get total(): number {
    return this.seq;
  }

  /** Entries kept (newest last), optionally filtered. */
  list(filter: RequestFilter = {}): RequestEntry[] {
    return this.entries.filter((e) => matches(e, filter));
  }

  /** Number of kept entries matching the filter. */
  count(filter: RequestFilter = {}): number {
    let n = 0;
    for (const e of this.entries) if (matches(e, filter)) n++;
    return n;
  }

  /** Requests per target with how many were faulted or rate-limited. */
  summary(): Record<string, { requests: number; faults: number; rateLimited: number }> {
    const out: Record<string, { requests: number; faults: number; rateLimited: number }> = {};
    for (const e of this.entries) {
      const s = (out[e.target] ??= { requests: 0, faults: 0, rateLimited: 0 });
      s.requests++;
      if (e.fault === 'rateLimit') s.rateLimited++;
      else if (e.fault) s.faults++;
    }
    return out;
  }

  /** Forgets every entry (sequence numbers keep growing). */
  clear(): void {
    this.entries.length = 0;
  }
}

function matches(e: RequestEntry, f: RequestFilter): boolean {
  if (f.target !== undefined && e.target !== f.target) return false;
  if (f.service !== undefined && e.service !== f.service) return false;
  if (f.status !== undefined && e.status !== f.status) return false;
  if (f.fault === 'any' ? !e.fault : f.fault !== undefined && e.fault !== f.fault) return false;
  if (f.pathIncludes !== undefined && !e.path.includes(f.pathIncludes)) return false;
  return true;
}

/** Targets a request log groups by. */
export type LogTarget = FaultTarget | 'admin' | 'other';
