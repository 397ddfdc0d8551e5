/**
 * Shapes the analysis engine returns over the contract: event list rows, pages, histograms, top
 * values, sessions, findings, annotations and enrichment sources.
 */
import type { TimelineEvent } from './event';

/** An event as listed in the grid: everything but `raw` and `attrs`, plus annotation summaries. */
export interface EventListItem extends Omit<TimelineEvent, 'raw' | 'attrs'> {
  tags: string[];
  starred: boolean;
  comments: number;
}

/** Keyset cursor: the time and id of the last row of a page. */
export interface EventCursor {
  tsUs: number;
  id: number;
}

/** A page of events in time order. */
export interface EventPage {
  events: EventListItem[];
  /** Pass back as `after` for the next page; null when this was the last. */
  next: EventCursor | null;
}

/** Group dimensions the timeline can split by. */
export const TIMELINE_GROUPS = ['category', 'source', 'mailbox', 'ip', 'session', 'actor'] as const;
export type TimelineGroup = (typeof TIMELINE_GROUPS)[number];

/** Histogram of event counts over a range. Buckets start at `fromUs + i * bucketUs`. */
export interface Histogram {
  /** Range start, aligned down to the bucket size (UTC). */
  fromUs: number;
  /** Range end (exclusive), aligned up to the bucket size. */
  toUs: number;
  bucketUs: number;
  counts: number[];
  total: number;
  /** Per-group series when `groupBy` was asked for ('' is the group of events without a value). */
  series: { group: string; counts: number[]; total: number }[];
  /** How it was computed, e.g. `aggregate:3600s` or `scan:events_ts`. */
  plan: string;
}

/** A value of a field with its number of events. */
export interface TopValue {
  value: string;
  n: number;
}

/** Fields for top values and pivots. */
export const EVENT_FIELDS = [
  'operation',
  'category',
  'source',
  'actor',
  'mailbox',
  'ip',
  'country',
  'asn',
  'ua',
  'app',
  'session',
  'token',
  'device',
  'result',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** What an IP is, from the offline databases. */
export interface IpDetails {
  ip: string;
  country: string | null;
  countryName: string | null;
  asn: number | null;
  asOrg: string | null;
  /** private, reserved, microsoft-service, microsoft, hosting, anonymizer, hosting-name. */
  flags: string[];
  city: string | null;
  region: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** What a user agent is. */
export interface UserAgentDetails {
  browser: string | null;
  os: string | null;
  device: string | null;
  tool: { id: string; name: string; kind: string; severity: string; source: string } | null;
}

/** A comment on an event. */
export interface EventComment {
  id: number;
  eventId: number;
  author: string;
  atUs: number;
  text: string;
}

/** A tag. */
export interface Tag {
  id: number;
  name: string;
  /** CSS colour `#rrggbb`. */
  color: string;
  description: string | null;
  /** Events carrying it. */
  count: number;
}

/** An event with everything the detail pane shows. */
export interface EventDetail {
  event: TimelineEvent;
  tags: { name: string; color: string; addedBy: string; addedAtUs: number }[];
  star: { by: string; atUs: number } | null;
  comments: EventComment[];
  ip: IpDetails | null;
  userAgent: UserAgentDetails | null;
  /** Findings that include the event. */
  findings: { id: number; analyzer: string; severity: FindingSeverity; title: string }[];
  /** Further evidence items and positions the same record was seen at. */
  sightings: { evidenceId: number; recordIndex: number }[];
}

/** A saved view of the timeline. */
export interface SavedView {
  id: number;
  name: string;
  query: string;
  fromUs: number | null;
  toUs: number | null;
  columns: string[];
  groupBy: TimelineGroup | null;
  createdBy: string;
  createdAtUs: number;
  updatedAtUs: number;
}

/** Severity of a finding. */
export type FindingSeverity = 'info' | 'low' | 'medium' | 'high';

/** A finding of an analyzer. */
export interface Finding {
  id: number;
  analyzer: string;
  /** `finding`, or `gap` for a window the logs cannot see into. */
  kind: 'finding' | 'gap';
  severity: FindingSeverity;
  title: string;
  /** Why it matters, in an examiner's words. */
  why: string;
  nextSteps: string[];
  /** Users concerned. */
  actors: string[];
  /** Events, in the order the analyzer listed them (storyline order for chains). */
  eventIds: number[];
  firstUs: number | null;
  lastUs: number | null;
}

/** One analyzer of the registry. */
export interface AnalyzerInfo {
  id: string;
  title: string;
  description: string;
}

/** Result of a run of the analyzers. */
export interface AnalyzeResult {
  runId: number;
  analyzers: string[];
  findings: Finding[];
  /** Counts per severity. */
  counts: Record<FindingSeverity, number>;
  /** Findings new in this run / no longer produced (removed). */
  added: number;
  removed: number;
  durationMs: number;
}

/** A session: events grouped by Entra session id, token id, or (actor, IP, user agent) within a gap. */
export interface SessionSummary {
  /** Stable key: `sid:<session id>`, `uti:<token id>` or `heur:<actor>|<ip>|<ua>|<first µs>`. */
  key: string;
  /** How events were grouped. */
  basis: 'session-id' | 'token-id' | 'heuristic';
  sessionId: string | null;
  actors: string[];
  firstUs: number;
  lastUs: number;
  events: number;
  ips: string[];
  countries: string[];
  userAgents: string[];
  apps: string[];
  /** Events per operation. */
  operations: Record<string, number>;
  /** Sources present (e.g. `signin` and `ual` when a sign-in was joined to mailbox activity). */
  sources: string[];
  /** Sign-in events that opened or refreshed it (joined by session id / token id). */
  signinEventIds: number[];
  /** The session's events carry a confirmed-bad tag (`malicious`, `confirmed`, ...) or belong to a high finding. */
  flagged: boolean;
  /** A search query listing the session's events (for the timeline). */
  query: string;
}

/** A database used for enrichment, as recorded in the case. */
export interface EnrichmentSourceRecord {
  name: string;
  version: string;
  buildDate: string | null;
  provides: string[];
  license: string;
  sha256: string | null;
  recordedAtUs: number;
}

/** Result of tagging or untagging. */
export interface TagResult {
  tag: string;
  color: string;
  /** Events whose tags changed. */
  changed: number;
  /** Events addressed (ids given, or matched by the query). */
  matched: number;
}

/** Events around one event. */
export interface EventContextResult {
  event: EventListItem;
  /** The query that selects the context (same actor / mailbox). */
  query: string;
  fromUs: number;
  toUs: number;
  events: EventListItem[];
}

/** A pivot: the query expressing it and its first page. */
export interface PivotResult {
  query: string;
  page: EventPage;
}

/** Result of re-running enrichment over a case. */
export interface ReenrichSummary {
  ips: number;
  eventsChanged: number;
  sources: string[];
}

/** Outcome of parsing a query without running it. */
export type QueryCheck = { ok: true } | { ok: false; message: string; column: number | null };
