/**
 * Online collection from Microsoft 365: sources, clouds, runs, per-source summaries and the gaps
 * the service imposed (facts for the report).
 */
import type { Progress } from './progress';

/** Online sources, one collector each (`core/collect/<source>`). */
export const COLLECT_SOURCES = [
  /** Unified Audit Log through the Graph audit log query API. */
  'ual',
  /** Unified Audit Log through the Office 365 Management Activity API (7-day horizon). */
  'mgmt',
  /** Entra sign-ins: interactive, non-interactive, service principal. */
  'signins',
  /** Entra directory audits. */
  'audits',
  /** Mailbox state snapshot: inbox rules, mailbox settings, consent grants, mail-scoped apps. */
  'mailbox',
  /** Outlook REST v2.0 Activities (2018 behaviour). */
  'activities',
] as const;
export type CollectSource = (typeof COLLECT_SOURCES)[number];

/** National clouds; each fixes the identity, Graph, Management and Outlook hosts. */
export const CLOUDS = ['global', 'usgov', 'usgovdod', 'china'] as const;
export type Cloud = (typeof CLOUDS)[number];

/** The four service origins a collection talks to (`https://host[:port]`, no path). */
export interface CloudHosts {
  authority: string;
  graph: string;
  manage: string;
  outlook: string;
}

/** How the collector authenticates. Secrets are never part of a stored or journaled object. */
export type AuthMode = 'device-code' | 'certificate' | 'secret';

/** Why part of the requested data is missing. */
export const GAP_KINDS = [
  /** Older than the service's look-back (Management API: 7 days). */
  'horizon',
  /** Older than the service's documented retention (sign-ins 30 days, audit 180 days, …). */
  'retention',
  /** MailItemsAccessed `IsThrottled=True`: Bind auditing stopped for 24 h for that mailbox. */
  'throttled',
  /** A window still over the safe size at the minimum window length: records beyond it may be missing. */
  'truncated',
  /** A window, page or mailbox that could not be completed (errors, stuck query) after every retry. */
  'incomplete',
  /** The service refused (licence, permission, mailbox not found, endpoint gone). */
  'unavailable',
  /** A Management API subscription started by this run: content before it is not retrievable. */
  'subscription',
] as const;
export type GapKind = (typeof GAP_KINDS)[number];

/** A recorded gap. */
export interface CollectionGap {
  id: number;
  runId: string;
  source: CollectSource;
  kind: GapKind;
  /** Range not covered (µs UTC), when the gap is a time range. */
  fromUs: number | null;
  toUs: number | null;
  /** Mailbox, content type, sign-in event type or window the gap concerns. */
  target: string | null;
  /** One sentence for the report. */
  detail: string;
  /** The stored response that shows the gap (error body, throttled record's page), when there is one. */
  evidenceId: number | null;
  recordedAtUs: number;
  /** Journal entry that recorded the gap. */
  custodySeq: number;
  /** When a later resume filled it (`null` while open). */
  resolvedAtUs: number | null;
}

/** Counts of one source in one run. */
export interface SourceSummary {
  /** `completed` when every unit of work finished (gaps included), otherwise `incomplete`. */
  state: 'completed' | 'incomplete' | 'not-run';
  /** Units of work finished: UAL/sign-in windows, content blobs, mailboxes. */
  windows: number;
  /** Records the service declared (UAL query counts); `null` when the source declares none. */
  declared: number | null;
  /** Records received in stored responses. */
  received: number;
  imported: number;
  duplicates: number;
  quarantined: number;
  /**
   * Of the duplicates, those that were a fuller copy of a record than the case held (a Graph
   * sign-in for a row of the portal's CSV) and took its place; absent when none did.
   */
  upgraded?: number;
  /** Responses stored as evidence. */
  pages: number;
  /** HTTP requests sent (including retries). */
  requests: number;
  /** Requests repeated after a throttle, server error or dropped connection. */
  retries: number;
  /** Throttling answers (429, Management API AF429). */
  throttled: number;
  gaps: CollectionGap[];
}

/** A collection run as listed for the UI and the report. */
export interface CollectionRun {
  id: string;
  startedAtUs: number;
  finishedAtUs: number | null;
  state: 'running' | 'completed' | 'incomplete' | 'failed' | 'cancelled';
  tenant: string;
  clientId: string;
  cloud: Cloud;
  hosts: CloudHosts;
  authMode: AuthMode;
  sources: CollectSource[];
  users: string[];
  fromUs: number;
  toUs: number;
  /** Per-source summary as of the last finish (empty while never finished). */
  summary: Partial<Record<CollectSource, SourceSummary>>;
  error: string | null;
}

/** The result of `collect:start` and `mailtrail collect --json`. */
export interface CollectResult {
  runId: string;
  state: CollectionRun['state'];
  resumed: boolean;
  sources: Partial<Record<CollectSource, SourceSummary>>;
  /** Non-fatal notes for the examiner (e.g. a client secret was used). */
  warnings: string[];
}

/** `collect:progress`: a progress event per source. */
export interface CollectProgress extends Progress {
  source: CollectSource;
  /** Records received so far by this source. */
  records: number;
  /** Requests sent so far by this source. */
  requests: number;
}

/** `collect:device-code`: what the examiner must do to sign in. */
export interface DeviceCodePrompt {
  jobId: string;
  userCode: string;
  verificationUri: string;
  /** The service's instruction text. */
  message: string;
  expiresInSec: number;
}
