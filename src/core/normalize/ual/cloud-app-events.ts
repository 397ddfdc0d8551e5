/**
 * Defender advanced-hunting `CloudAppEvents` rows without their `RawEventData` (a query that
 * projected it away, or a dataset that dropped it): the audit record the row was made from is gone,
 * but its columns still say when, what, who, from where and on what. They are read as a UAL record
 * of those fields, so the activity reaches the timeline and the analyzers (a consent grant in
 * OTRF's Golden SAML dataset is one), marked as read from the columns.
 */
import type { NormalizedEvent } from '../../../shared/model/event';
import { consentScopes, consentSummary } from '../consent';
import type { NormalizeContext } from '../event';
import { parseIsoUs } from '../time';
import { first, isObj, str, type Obj } from '../values';
import { defaultSummary, normalizeUal } from './index';

/**
 * True for a `CloudAppEvents` row (an app such as Office 365 or Exchange Online, by its numeric
 * `ApplicationId`, and an `ActivityType`), not a row of the identity or device tables that a
 * multi-table export puts beside it (`LdapSearch`, `Directory Services replication`).
 */
export function isCloudAppEventsRow(o: Obj): boolean {
  return first(o['ApplicationId']) !== null && first(o['ActivityType']) !== null && first(o['ActionType']) !== null;
}

/** Normalizes a `CloudAppEvents` row from its columns ({@link isCloudAppEventsRow}; no `RawEventData`). */
export function normalizeCloudAppEventsColumns(o: Obj, ctx: NormalizeContext): NormalizedEvent {
  const timestamp = str(o['Timestamp']);
  const ev = normalizeUal(
    {
      Operation: o['ActionType'],
      UserId: first(o['AccountUpn'], o['UserId'], o['AccountId'], o['AccountObjectId']),
      ClientIP: first(o['IPAddress']),
      UserAgent: first(o['UserAgent'], o['UserAgent_string']),
      Workload: first(o['Application']),
      ObjectId: first(o['ObjectName'], o['ObjectId']),
      AppId: first(o['OAuthAppId'], o['AppId']),
    },
    ctx,
    {
      tsUs: timestamp !== null ? parseIsoUs(timestamp) : null,
      tsFrom: 'Timestamp (a Defender CloudAppEvents row without RawEventData)',
    },
  );
  // The row's own columns, those with a value: what the record is read from.
  const columns: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === '' || v === null || v === undefined || (isObj(v) && Object.keys(v).length === 0)) continue;
    columns[k] = v;
  }
  ev.attrs.fields = { ...(ev.attrs.fields ?? {}), defenderColumns: columns };
  // A grant's scopes and resource are columns of their own here (the audit record's modified properties are gone).
  const consent = ev.attrs.consent;
  const permissions = first(o['Permissions']);
  if (consent !== undefined && consent.scopes.length === 0 && permissions !== null) {
    consent.scopes = consentScopes(permissions);
    consent.resourceName ??= first(o['PermissionsAddedTo']);
    ev.summary = consentSummary(ev.operation, consent, ev.actor);
  }
  // Mail access read from columns lists no folders or items: say what the row does say, not "0 items".
  if (ev.category === 'mail-read') ev.summary = defaultSummary(ev.operation, ev.actor, ev.object, ev.clientIp);
  ev.summary = `${ev.summary} [Defender columns, no RawEventData]`;
  // The row's own id: the same row exported again with other columns is the same event.
  const reportId = first(o['ReportId']);
  if (reportId !== null) ev.recordKey = `defender-cloudapp:${reportId.toLowerCase()}`;
  return ev;
}
