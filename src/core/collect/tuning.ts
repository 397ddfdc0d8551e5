/**
 * Collector tuning: window sizes, safe sizes, poll intervals, API versions. Defaults suit a real
 * tenant; tests and the emulator shrink them. The values used are stored with the run so a resume
 * plans the same windows.
 */

/** Every tunable of a collection. */
export interface CollectTuning {
  /** Requests in flight at once across every source. */
  concurrency: number;
  /** Tasks each source works on at once (waiting tasks do not hold a request slot). */
  tasksPerSource: number;
  /** Attempts per task (a task that throws is retried later) before it is left as an `incomplete` gap. */
  taskAttempts: number;
  /** Per-request retry policy. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-request inactivity timeout. */
  requestTimeoutMs: number;
  /** "Now" for horizon and retention judgements; default: the service's `Date` header. */
  nowMs: number | null;
  /** Pages are committed to disk in groups at most this far apart (0 = every page on its own). */
  groupCommitMs: number;

  /** Graph audit log query API version. */
  ualApi: 'v1.0' | 'beta';
  /** Initial UAL window. */
  ualWindowMs: number;
  /** Smallest window the adaptive split goes down to; a window still full at this size is a `truncated` gap. */
  ualMinWindowMs: number;
  /** A window whose result reaches this many records is split again. */
  ualSafeSize: number;
  /** First wait between status polls; doubles up to `ualPollMaxIntervalMs`. */
  ualPollIntervalMs: number;
  ualPollMaxIntervalMs: number;
  /** A query still not finished after this long is stuck: it is abandoned and re-created. */
  ualQueryTimeoutMs: number;
  /** Queries created per window attempt (stuck or failed ones are replaced) before the attempt fails. */
  ualQueryAttempts: number;
  /** Audit (Standard) retention used to flag ranges that may have been purged. */
  ualRetentionDays: number;

  /** Management API content types. */
  mgmtContentTypes: string[];
  /** ≤ 24 h per the API. */
  mgmtWindowMs: number;
  /** How far back the API lists content. */
  mgmtHorizonDays: number;
  /** Blobs are listed by availability time: keep listing this long after the range ends (latency). */
  mgmtLatencyMs: number;
  /** `PublisherIdentifier`; default the tenant id. */
  mgmtPublisherId: string | null;
  /** Start missing subscriptions (the Management API holds nothing without one). */
  mgmtStartSubscriptions: boolean;

  /** Sign-in event types collected (Graph beta `signInEventTypes`). */
  signinEventTypes: string[];
  signinApi: 'v1.0' | 'beta';
  signinWindowMs: number;
  /** Entra ID P1/P2 retention of sign-ins and directory audits. */
  entraRetentionDays: number;
  auditWindowMs: number;
  /** Graph `$top` for list endpoints. */
  graphPageSize: number;
  /** Users per `$filter` (long OR-lists are refused by Graph). */
  usersPerFilter: number;

  activitiesWindowMs: number;
  /** `$top` for Activities (1–1000). */
  activitiesPageSize: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Defaults for a real tenant. */
export const DEFAULT_TUNING: CollectTuning = {
  concurrency: 4,
  tasksPerSource: 16,
  taskAttempts: 3,
  maxAttempts: 10,
  baseDelayMs: 500,
  maxDelayMs: 120_000,
  requestTimeoutMs: 120_000,
  nowMs: null,
  groupCommitMs: 250,

  ualApi: 'v1.0',
  ualWindowMs: DAY,
  ualMinWindowMs: 60_000,
  ualSafeSize: 50_000,
  ualPollIntervalMs: 5_000,
  ualPollMaxIntervalMs: 60_000,
  ualQueryTimeoutMs: 4 * HOUR,
  ualQueryAttempts: 3,
  ualRetentionDays: 180,

  mgmtContentTypes: ['Audit.Exchange', 'Audit.AzureActiveDirectory', 'Audit.SharePoint', 'Audit.General'],
  mgmtWindowMs: DAY,
  mgmtHorizonDays: 7,
  mgmtLatencyMs: 12 * HOUR,
  mgmtPublisherId: null,
  mgmtStartSubscriptions: true,

  signinEventTypes: ['interactiveUser', 'nonInteractiveUser', 'servicePrincipal'],
  signinApi: 'beta',
  signinWindowMs: DAY,
  entraRetentionDays: 30,
  auditWindowMs: 7 * DAY,
  graphPageSize: 999,
  usersPerFilter: 10,

  activitiesWindowMs: 7 * DAY,
  activitiesPageSize: 1000,
};

/** Merges overrides into the defaults. */
export function tuningWith(overrides: Partial<CollectTuning> = {}): CollectTuning {
  const t = { ...DEFAULT_TUNING };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (t as unknown as Record<string, unknown>)[k] = v;
  return t;
}
