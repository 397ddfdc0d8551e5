/** Public types of the local Microsoft 365 emulator (see docs/emulator.md). */

/** The sources the emulator serves, named like the collectors (`CollectSource`). */
export const SOURCES = ['ual', 'mgmt', 'signins', 'audits', 'mailbox', 'activities'] as const;
export type SourceName = (typeof SOURCES)[number];

/** Where a fault or a rate limit applies: one source, or the identity endpoints. */
export type FaultTarget = SourceName | 'identity';

/**
 * Injected failures.
 * - `throttle`: 429 + `Retry-After` (Graph, Outlook, identity); Management API: HTTP 403 `AF429`.
 * - `error500` / `error503`: a server error with a JSON body (503 carries `Retry-After`).
 * - `drop`: the status line, headers and half the body are sent, then the connection is destroyed.
 * - `unauthorized`: this one request answers 401 as if the token had expired.
 * - `revokeTokens`: every access token issued so far stops working (401 until a new one is fetched).
 * - `stuckQuery`: an audit log query created now never leaves `running`.
 * - `repeatPage`: a page is served again: Graph/Management paging links point back at the same page
 *   once; Activities `$skip` answers the previous page's rows.
 * - `oversizeWindow`: an audit log query created now is cut at its record limit without saying so
 *   (`isRecordCountLimitExceeded` false): a collector must treat a full window as "split me".
 */
export const FAULT_KINDS = [
  'throttle',
  'error500',
  'error503',
  'drop',
  'unauthorized',
  'revokeTokens',
  'stuckQuery',
  'repeatPage',
  'oversizeWindow',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault rule: which requests it hits, by rate and/or by schedule. */
export interface FaultRule {
  /** Source the rule applies to (`*` = every source except identity). */
  target: FaultTarget | '*';
  kind: FaultKind;
  /** Probability per eligible request (0..1), drawn from the profile's seed. */
  rate?: number;
  /** 1-based ordinals of the eligible requests of `target` that fail (a schedule). */
  at?: number[];
  /** Every n-th eligible request fails. */
  every?: number;
  /** Stop after this many injections. */
  limit?: number;
  /** `Retry-After` seconds for `throttle` / `error503` (default 1). */
  retryAfterSec?: number;
}

/** A named set of fault rules. */
export interface FaultProfile {
  name: string;
  /** Seed of the fault draws (default: the scenario seed). */
  seed?: number;
  rules: FaultRule[];
}

/** A token bucket: the request rate a source allows before it throttles. */
export interface RateLimit {
  /** Sustained requests per second. */
  requestsPerSecond: number;
  /** Bucket size (requests that may arrive at once). */
  burst: number;
}

/** Options of {@link startEmulator} and {@link generateScenario}. */
export interface ScenarioOptions {
  /** `bec-basic` (ordinary tenant + the BEC storyline) or `baseline` (ordinary activity only). */
  scenario?: string;
  /** Seed (default 7). Same seed + options ⇒ same records, ids, truth and storyline. */
  seed?: number;
  /** Mailbox users (default 20). */
  users?: number;
  /** Days of activity before `end` (default 14). */
  days?: number;
  /**
   * End of the scenario range (ISO instant, default `2026-11-02T00:00:00Z` so runs are
   * reproducible). It is also the emulator's clock for horizons and retention (`now`).
   */
  end?: string;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions extends ScenarioOptions {
  /** A named profile (`none`, `flaky`, `hostile`, `bench`) or a programmatic one. Default `none`. */
  faults?: FaultProfile | string;
  /**
   * First port. The four services listen on `port`, `port+1`, `port+2`, `port+3` (authority, Graph,
   * Management, Outlook). 0 (default) = four ephemeral ports.
   */
  port?: number;
  /** Access token lifetime in seconds (default 3600). */
  tokenLifetimeSec?: number;
  /** Approve a pending device code after this many polls (default 1; 0 = only by approval call). */
  deviceCodeAutoApproveAfterPolls?: number;
  /** `interval` returned by `/devicecode`, seconds (may be fractional; default 1). */
  deviceCodeIntervalSec?: number;
  /** Where CA, server and client certificate files are written (default: a new temp folder). */
  dataDir?: string;
  /** Page sizes when a request does not ask for one. */
  pageSize?: Partial<PageSizes>;
  /** Audit log query behaviour. */
  auditQuery?: Partial<AuditQueryOptions>;
  /** Allowed request rate per target (defaults in docs/emulator.md). */
  rateLimits?: Partial<Record<FaultTarget, RateLimit>>;
  /** Management API content types already subscribed (default: all five). */
  mgmtSubscribed?: string[];
  /** Permissions the app registration holds (default: every permission the collectors need). */
  appPermissions?: string[];
}

/** Default page sizes. */
export interface PageSizes {
  /** Graph audit query `/records` (max 1000). */
  auditRecords: number;
  /** Graph sign-ins and directory audits (max 1000). */
  graph: number;
  /** Management API content listing entries per page. */
  mgmtContent: number;
  /** Activities when `$top` is absent (Outlook REST default 10). */
  activities: number;
}

/** Graph audit log query behaviour. */
export interface AuditQueryOptions {
  /** Records a query returns at most; beyond it `isRecordCountLimitExceeded` is true. */
  recordCountLimit: number;
  /** Status polls (GET of the query) before it reports `succeeded` (default 1: first GET says running). */
  pollsUntilSucceeded: number;
}

/** One step of the planted storyline with the ids of every record that shows it, per source. */
export interface StorylineStep {
  /** Stable id, e.g. `aitm-signin`, `inbox-rule-hide`. */
  id: string;
  title: string;
  /** Time of the step's first record (ISO, UTC). */
  at: string;
  /** What an analyst should conclude. */
  technique: string;
  /** Record ids per source (`mailbox` ids as in {@link RunningEmulator.truthIds}). */
  records: Partial<Record<SourceName, string[]>>;
}

/** Benign but notable activity planted to test false positives. */
export interface Distractor {
  id: string;
  title: string;
  records: Partial<Record<SourceName, string[]>>;
}

/** Distinct records per source for all users over the scenario range (what the server serves). */
export type TruthCounts = Record<SourceName, number>;

/** A filter for truth counts and ids (the same filter the endpoints apply). */
export interface TruthFilter {
  /** Only records of these users (UPNs, case-insensitive). */
  users?: readonly string[];
  /** ISO instants; default the scenario range. */
  from?: string;
  to?: string;
}

/** One request the emulator answered. */
export interface RequestEntry {
  seq: number;
  /** Wall-clock ms when the request arrived. */
  at: number;
  service: 'authority' | 'graph' | 'manage' | 'outlook';
  target: FaultTarget | 'admin' | 'other';
  method: string;
  path: string;
  /** Raw query string (without `?`). */
  query: string;
  status: number;
  /** The injected fault, or `rateLimit` when the token bucket was empty. */
  fault?: FaultKind | 'rateLimit';
  /** Response body bytes sent. */
  bytes: number;
  ms: number;
}
