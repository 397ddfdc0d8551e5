import type { EventAttrs } from './attrs';

/**
 * The common event every source is normalized into. Stored in the `events` table; times are
 * integer microseconds since the Unix epoch, UTC (forensic invariant 3).
 */

/** Source families. One normalizer per family lives in `core/normalize`. */
export const EVENT_SOURCES = [
  /** Unified Audit Log records (Purview export, Management API, Graph audit query, PowerShell). */
  'ual',
  /** Entra sign-ins (Graph signIns, portal download, Azure Monitor SignInLogs and friends). */
  'signin',
  /** Entra directory audits (Graph directoryAudits, Azure Monitor AuditLogs). */
  'directory-audit',
  /** Outlook REST "Activities API" (2018). */
  'activities',
  /** Point-in-time mailbox state: inbox rules, mailbox settings, consent grants. */
  'mailbox-state',
  /** Events an examiner added by hand. */
  'manual',
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Coarse categories used for filtering, grouping and analyzers. */
export const EVENT_CATEGORIES = [
  'logon',
  'mail-read',
  'mail-send',
  'mail-delete',
  'rule-change',
  'forwarding',
  'consent',
  'search',
  'admin',
  'file',
  'other',
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

/** A normalized event as produced by a normalizer, before it is stored. */
export interface NormalizedEvent {
  tsUs: number;
  source: EventSource;
  /** Source-specific record kind (UAL RecordType name, sign-in event type, activity type). */
  recordType: string | null;
  /** Operation verbatim from the source (`New-InboxRule`, `Consent to application.`). */
  operation: string;
  category: EventCategory;
  /** Lower-cased UPN (or service principal / system name) of who acted. */
  actor: string | null;
  /** Lower-cased UPN of the mailbox acted upon. */
  mailbox: string | null;
  /** Canonical IP: no port, no brackets, IPv6 compressed lower-case. */
  clientIp: string | null;
  userAgent: string | null;
  clientApp: string | null;
  appId: string | null;
  sessionId: string | null;
  tokenId: string | null;
  deviceId: string | null;
  /** Normalized result: `success`, `failure`, `partial`, or the source's word when unknown. */
  result: string | null;
  /** What was acted on: rule name, message subject, application, folder. */
  object: string | null;
  /** One-line human summary. */
  summary: string;
  /**
   * Dedupe identity, prefixed by family: `ual:<Id>`, `signin:<id>`, `audit:<id>`,
   * `activity:<Id>`, `state:<…>`. `null` when the record has no identity (never deduped).
   */
  recordKey: string | null;
  /** Decoded, structured details; conventions in `attrs.ts`. */
  attrs: EventAttrs;
  /** The verbatim record as text (the JSON object, or the CSV row as a JSON object of columns). */
  raw: string;
}

/** A stored event. */
export interface TimelineEvent extends NormalizedEvent {
  id: number;
  /** Enrichment (filled at import time and re-runnable). */
  country: string | null;
  asn: number | null;
  asOrg: string | null;
  /** Evidence item and position the event was first read from. */
  evidenceId: number;
  recordIndex: number;
  /** True for events an examiner added by hand. */
  examinerAdded: boolean;
}
