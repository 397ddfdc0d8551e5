/**
 * Calls a Microsoft 365 API the way a long forensic pull needs: bounded concurrency, `Retry-After`
 * honoured, exponential backoff with full jitter for throttling (429, Management API `AF429`),
 * server errors and dropped connections, and one token refresh when a call answers 401.
 * It returns the final response; storing it as evidence is the caller's next step.
 */
import { MailtrailError } from '../../shared/errors';
import type { CollectSource } from '../../shared/model/collection';
import type { Resource, TokenProvider } from '../auth/token-provider';
import { TransportError, type HttpResponse, type Transport } from '../auth/transport';

/** Retry tuning. */
export interface RetryPolicy {
  /** Attempts per request before giving up (default 10). */
  maxAttempts: number;
  /** First backoff step (default 500 ms); doubles per attempt, full jitter. */
  baseDelayMs: number;
  /** Longest single wait, including `Retry-After` (default 120 s). */
  maxDelayMs: number;
}

/** Per-source request counters. */
export interface RequestStats {
  requests: number;
  retries: number;
  throttled: number;
  serverErrors: number;
  transportErrors: number;
  tokenRefreshes: number;
}

/** One API call. */
export interface ApiRequest {
  source: CollectSource;
  resource: Resource;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (POST). */
  json?: unknown;
  timeoutMs?: number;
}

/** The final answer to a call. */
export interface ApiResponse extends HttpResponse {
  method: 'GET' | 'POST';
  url: string;
  /** When the successful attempt was sent (µs UTC). */
  requestedAtUs: number;
  attempts: number;
}

/** Raised when a call could not get a usable answer after every attempt. */
export class RequestFailedError extends MailtrailError {
  constructor(
    message: string,
    readonly lastStatus: number | null,
    readonly lastBody: Buffer | null,
  ) {
    super('NETWORK', message);
  }
}

/** Options for {@link ApiClient}. */
export interface ApiClientOptions {
  transport: Transport;
  tokens: TokenProvider;
  /** Requests in flight at once across every source (default 4). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal | undefined;
  /** Current time in µs. */
  clock: () => number;
  /** Injectable for tests. */
  random?: () => number;
  /** Sees every wait (ms) the client decides on, e.g. to report "throttled, waiting". */
  onWait?: (source: CollectSource, ms: number, reason: string) => void;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const secs = Number(value.trim());
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

/** True for the Management API's throttling answer (HTTP 403 with error code `AF429`). */
export function isAf429(status: number, body: Buffer): boolean {
  if (status !== 403 || body.byteLength > 65536) return false;
  return /"code"\s*:\s*"AF429"/.test(body.toString('utf8'));
}

/** Sleeps, waking early (with `CANCELLED`) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new MailtrailError('CANCELLED', 'collection cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new MailtrailError('CANCELLED', 'collection cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A counting semaphore. */
class Semaphore {
  private waiting: (() => void)[] = [];
  private active = 0;
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** The API client of one collection run. */
export class ApiClient {
  private readonly sem: Semaphore;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly stats = new Map<CollectSource, RequestStats>();

  constructor(private readonly options: ApiClientOptions) {
    this.sem = new Semaphore(Math.max(1, options.concurrency ?? 4));
    this.policy = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 120_000, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  /** Counters of a source (zeros when it sent nothing). */
  statsOf(source: CollectSource): RequestStats {
    let s = this.stats.get(source);
    if (!s) {
      s = { requests: 0, retries: 0, throttled: 0, serverErrors: 0, transportErrors: 0, tokenRefreshes: 0 };
      this.stats.set(source, s);
    }
    return s;
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(this.random() * cap);
  }

  private async wait(source: CollectSource, ms: number, reason: string): Promise<void> {
    const bounded = Math.min(this.policy.maxDelayMs, Math.max(0, ms));
    this.options.onWait?.(source, bounded, reason);
    await sleep(bounded, this.options.signal);
  }

  /**
   * Sends the request until it gets a final answer: a 2xx, or a status that retrying cannot change
   * (400, 403 other than AF429, 404, a second 401, …). Throws {@link RequestFailedError} when the
   * attempts run out, `CANCELLED` on cancellation.
   */
  async call(req: ApiRequest): Promise<ApiResponse> {
    const stats = this.statsOf(req.source);
    let refreshed = 0;
    let lastStatus: number | null = null;
    let lastBody: Buffer | null = null;
    let lastError = '';
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      if (this.options.signal?.aborted) throw new MailtrailError('CANCELLED', 'collection cancelled');
      if (attempt > 1) stats.retries++;
      const token = await this.options.tokens.token(req.resource);
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers, authorization: `Bearer ${token}` };
      let body: string | undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] = 'application/json';
      }
      await this.sem.acquire();
      let res: HttpResponse | null = null;
      let dropped: TransportError | null = null;
      const requestedAtUs = this.options.clock();
      try {
        stats.requests++;
        res = await this.options.transport.request({
          method: req.method,
          url: req.url,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
          signal: this.options.signal,
        });
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        dropped = err;
      } finally {
        this.sem.release();
      }
      if (!res) {
        // Connection refused, reset or cut mid-body: nothing usable arrived, so nothing is stored.
        stats.transportErrors++;
        lastError = dropped?.message ?? 'no answer';
        lastStatus = null;
        lastBody = null;
        if (attempt < this.policy.maxAttempts) await this.wait(req.source, this.backoff(attempt), 'connection problem');
        continue;
      }
      lastStatus = res.status;
      lastBody = res.body;
      lastError = '';
      if (res.status === 401 && refreshed < 2) {
        // Expired or revoked mid-run: re-acquire and repeat the call. Twice at most: the first
        // time another call may already have replaced the token with one that was revoked too.
        refreshed++;
        stats.tokenRefreshes++;
        await this.options.tokens.token(req.resource, { rejected: token });
        attempt--;
        stats.retries++;
        continue;
      }
      const throttled = res.status === 429 || isAf429(res.status, res.body);
      if (throttled || RETRYABLE_STATUS.has(res.status)) {
        if (throttled) stats.throttled++;
        else stats.serverErrors++;
        if (attempt >= this.policy.maxAttempts) break;
        const after = retryAfterMs(res.headers['retry-after'], Date.now());
        const ms = after !== null ? after + Math.round(this.random() * 100) : this.backoff(attempt);
        await this.wait(req.source, ms, throttled ? `throttled (${res.status})` : `server error ${res.status}`);
        continue;
      }
      return { ...res, method: req.method, url: req.url, requestedAtUs, attempts: attempt };
    }
    const what = lastStatus !== null ? `HTTP ${lastStatus}` : lastError || 'no answer';
    throw new RequestFailedError(
      `${req.method} ${redactUrl(req.url)} failed after ${this.policy.maxAttempts} attempts: ${what}`,
      lastStatus,
      lastBody,
    );
  }
}

/** The URL without its query (queries may carry opaque paging tokens; they are kept in evidence, not messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}
