/**
 * What every normalizer shares: the context a record is read in, the quarantine error, and a
 * builder that fills the columns a family does not have with `null`.
 */
import type { EventAttrs } from '../../shared/model/attrs';
import type { EventCategory, EventSource, NormalizedEvent } from '../../shared/model/event';
import type { DateOrderSurvey } from './time';

/** Where a record was read, for the normalizer. */
export interface NormalizeContext {
  /** The verbatim record text stored as `raw`. */
  raw: string;
  /** Lower-cased owner of per-mailbox data (Activities, message rules) when the record lacks it. */
  mailbox: string | null;
  /** When the evidence was acquired (µs): the time of point-in-time state records. */
  observedAtUs: number;
  /** What the file's locale dates show of their order (older Entra sign-in CSVs), when surveyed. */
  dateOrder?: DateOrderSurvey | null;
}

/** A record that cannot be normalized; the message is the quarantine reason. */
export class RecordError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RecordError';
  }
}

/** Fields a normalizer must decide; everything else defaults to `null`. */
export interface EventCore {
  tsUs: number;
  source: EventSource;
  operation: string;
  category: EventCategory;
  summary: string;
  recordKey: string | null;
  attrs: EventAttrs;
}

/**
 * Placeholder identifiers Microsoft writes where a record has none (the nil GUID on every
 * `MessageDelivered`, service activity, ...). Kept verbatim in `raw`, but not as a session, token or
 * device id: pivoting on one would link every user's system events (§10.1).
 */
const PLACEHOLDER_ID = /^[{(]?0{8}-?0{4}-?0{4}-?0{4}-?0{12}[)}]?$/;
/** The same for a base64 token id (`uti`): 16 zero bytes. */
const PLACEHOLDER_UTI = /^A{22}(==)?$/;

/** A session, token or device id worth linking on, else null. */
export function linkable(id: string | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  const t = id.trim();
  return t === '' || PLACEHOLDER_ID.test(t) || PLACEHOLDER_UTI.test(t) ? null : id;
}

/** Builds a {@link NormalizedEvent} from the decided fields plus optional columns. */
export function makeEvent(core: EventCore, ctx: NormalizeContext, cols: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    tsUs: core.tsUs,
    source: core.source,
    recordType: cols.recordType ?? null,
    operation: core.operation,
    category: core.category,
    actor: cols.actor ?? null,
    mailbox: cols.mailbox ?? null,
    clientIp: cols.clientIp ?? null,
    userAgent: cols.userAgent ?? null,
    clientApp: cols.clientApp ?? null,
    appId: cols.appId ?? null,
    sessionId: linkable(cols.sessionId),
    tokenId: linkable(cols.tokenId),
    deviceId: linkable(cols.deviceId),
    result: cols.result ?? null,
    object: cols.object ?? null,
    summary: core.summary,
    recordKey: core.recordKey,
    attrs: core.attrs,
    raw: ctx.raw,
  };
}

/**
 * The note an event carries ({@link EventAttrs.timeFallback}) when its time was not read from
 * `field`, the record's own time, which held `value`, but from `from`.
 */
export function timeFallback(field: string, value: unknown, from: string): NonNullable<EventAttrs['timeFallback']> {
  const missing = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  const shown = JSON.stringify(value) ?? String(value);
  return {
    from,
    reason: missing ? `${field} is missing` : `${field} ${shown.length > 80 ? `${shown.slice(0, 79)}…` : shown} is not a valid time`,
  };
}

/** Throws the quarantine error for a record without a usable timestamp. */
export function requireTime(tsUs: number | null, what: string): number {
  if (tsUs === null) throw new RecordError(`no valid timestamp (${what})`);
  return tsUs;
}
