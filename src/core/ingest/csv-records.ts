/**
 * CSV exports: header recognition and one row mapping per CSV format. Headers are matched after
 * trimming and collapsing whitespace (the Entra download writes `Application ID ` and
 * `Autonomous system  number`); repeated header names (`Incoming token type` twice) are kept apart
 * as `name #2`, so no column is lost.
 */
import type { FormatId } from '../../shared/model/ingest';
import type { NormalizedEvent } from '../../shared/model/event';
import { normalizeActivity } from '../normalize/activities';
import { RecordError, type NormalizeContext } from '../normalize/event';
import { parsePythonLiteral } from '../normalize/python-literal';
import { normalizeSignin } from '../normalize/signin';
import { parseIsoUs, parseLocaleDateUs, type DateOrderSurvey } from '../normalize/time';
import { fromOfficeActivity, normalizeUal } from '../normalize/ual';
import { isObj, str, type Obj } from '../normalize/values';
import { readingOf } from './date-order';
import { normalizePowerShellUal } from './json-records';

/** Header names as used for lookup: trimmed, inner whitespace collapsed, repeats suffixed ` #n`. */
export function headerNames(fields: string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((f, i) => {
    const base =
      f
        .replace(/^\uFEFF/, '')
        .replace(/\s+/g, ' ')
        .trim() || `column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

/** The CSV format a header belongs to, or `null`. */
export function csvFormatOf(names: string[]): FormatId | null {
  const has = new Set(names.map((n) => n.toLowerCase()));
  if (has.has('auditdata')) {
    if (has.has('runspaceid') || has.has('resultindex') || has.has('resultcount') || has.has('isvalid') || has.has('objectstate'))
      return 'ual-powershell-csv';
    return 'purview-csv';
  }
  if (has.has('activityidtype') && has.has('timestamp')) return 'activities-csv';
  if ((has.has('date (utc)') || has.has('date')) && (has.has('request id') || has.has('correlation id'))) return 'entra-signin-csv';
  if (has.has('createddatetime') && has.has('userprincipalname') && (has.has('ipaddress') || has.has('appdisplayname')))
    return 'entra-signin-csv';
  if (has.has('timegenerated') && has.has('operation')) return 'office-activity-csv';
  return null;
}

/** The row as an object keyed by header name (extra fields kept as `column n`). */
export function rowObject(names: string[], fields: string[]): Obj {
  const o: Obj = {};
  const n = Math.max(names.length, fields.length);
  for (let i = 0; i < n; i++) o[names[i] ?? `column ${i + 1}`] = fields[i] ?? '';
  return o;
}

/** Entra portal sign-in CSV columns (as written, whitespace collapsed) → Graph sign-in names. */
const ENTRA_COLUMNS: [string, string][] = [
  ['Date (UTC)', 'createdDateTime'],
  ['Date', 'createdDateTime'],
  ['CreatedDateTime', 'createdDateTime'],
  ['Request ID', 'id'],
  ['User agent', 'userAgent'],
  ['Correlation ID', 'correlationId'],
  ['User ID', 'userId'],
  ['User', 'userDisplayName'],
  ['UserDisplayName', 'userDisplayName'],
  ['Username', 'userPrincipalName'],
  ['UserPrincipalName', 'userPrincipalName'],
  ['User type', 'userType'],
  ['Cross tenant access type', 'crossTenantAccessType'],
  ['Incoming token type', 'incomingTokenType'],
  ['Authentication Protocol', 'authenticationProtocol'],
  ['Unique token identifier', 'uniqueTokenIdentifier'],
  ['Original transfer method', 'originalTransferMethod'],
  ['Client credential type', 'clientCredentialType'],
  ['Application', 'appDisplayName'],
  ['AppDisplayName', 'appDisplayName'],
  ['Application ID', 'appId'],
  ['Resource', 'resourceDisplayName'],
  ['Resource ID', 'resourceId'],
  ['Resource tenant ID', 'resourceTenantId'],
  ['Home tenant ID', 'homeTenantId'],
  ['IP address', 'ipAddress'],
  ['IPAddress', 'ipAddress'],
  ['Client app', 'clientAppUsed'],
  ['Authentication requirement', 'authenticationRequirement'],
  ['Session ID', 'sessionId'],
  ['Autonomous system number', 'autonomousSystemNumber'],
  ['Conditional Access', 'conditionalAccessStatus'],
  ['ConditionalAccessStatus', 'conditionalAccessStatus'],
  ['Service principal ID', 'servicePrincipalId'],
  ['Service principal name', 'servicePrincipalName'],
  ['Flagged for review', 'flaggedForReview'],
  ['Token issuer type', 'tokenIssuerType'],
  ['Managed Identity type', 'managedIdentityType'],
  ['RiskState', 'riskState'],
  ['RiskLevelDuringSignIn', 'riskLevelDuringSignIn'],
  ['RiskLevelAggregated', 'riskLevelAggregated'],
];
const ENTRA = new Map(ENTRA_COLUMNS.map(([k, v]) => [k.toLowerCase(), v]));

function col(o: Obj, name: string): string | null {
  return str(o[name]);
}

/**
 * Entra CSV time: ISO, or locale text read in the order {@link readingOf} gives from the file's
 * survey (`date-order.ts`); the note says how when the text alone did not tell.
 */
function entraTime(text: string | null, survey: DateOrderSurvey | null): { us: number | null; note: string | null } {
  if (text === null) return { us: null, note: null };
  const iso = parseIsoUs(text);
  if (iso !== null) return { us: iso, note: null };
  const reading = readingOf(text, survey, /\b[AP]M\b/i.test(text));
  if (reading.order === null) throw new RecordError(reading.reason);
  return { us: parseLocaleDateUs(text, reading.order), note: reading.note };
}

/**
 * An Entra portal sign-in CSV row as a Graph-shaped sign-in, and how its locale date was read when
 * the text alone did not tell (`survey`: what the file's other dates show).
 */
export function fromEntraCsv(
  row: Obj,
  survey: DateOrderSurvey | null = null,
): { signIn: Obj; timeReading: { text: string; note: string } | null } {
  const s: Obj = {};
  const extra: Obj = {};
  for (const [name, value] of Object.entries(row)) {
    const base = name.replace(/ #\d+$/, '');
    const graph = ENTRA.get(base.toLowerCase());
    if (graph && !(graph in s)) s[graph] = value;
    else extra[name] = value;
  }
  const errorCode = col(row, 'Sign-in error code');
  const statusText = col(row, 'Status');
  s['status'] = {
    errorCode: errorCode !== null ? Number(errorCode) : statusText?.toLowerCase() === 'success' ? 0 : null,
    failureReason: col(row, 'Failure reason'),
    result: statusText,
  };
  s['deviceDetail'] = {
    deviceId: col(row, 'Device ID'),
    browser: col(row, 'Browser'),
    operatingSystem: col(row, 'Operating System') ?? col(row, 'OS'),
    isCompliant: col(row, 'Compliant'),
    isManaged: col(row, 'Managed'),
    trustType: col(row, 'Join Type'),
    displayName: col(row, 'Device'),
  };
  const loc = col(row, 'Location');
  if (loc !== null) {
    const parts = loc.split(',').map((x) => x.trim());
    s['location'] = {
      city: parts[0] ?? null,
      state: parts.length > 2 ? parts[1]! : null,
      countryOrRegion: parts[parts.length - 1] ?? null,
    };
  } else if (col(row, 'City') !== null || col(row, 'Country') !== null) {
    s['location'] = { city: col(row, 'City'), state: null, countryOrRegion: col(row, 'Country') };
  }
  const created = typeof s['createdDateTime'] === 'string' ? s['createdDateTime'] : null;
  const { us, note } = entraTime(created, survey);
  if (us !== null)
    s['createdDateTime'] = new Date(Math.floor(us / 1000)).toISOString().replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);
  for (const [k, v] of Object.entries(extra)) if (str(v) !== null && !(k in s)) s[k] = v;
  return { signIn: s, timeReading: note !== null && created !== null ? { text: created, note } : null };
}

/** Normalizes one CSV row of `format` (the row object keyed by header names). */
export function normalizeCsvRow(format: FormatId, row: Obj, ctx: NormalizeContext): NormalizedEvent {
  switch (format) {
    case 'purview-csv':
      return normalizePowerShellUal(row, ctx, true);
    case 'ual-powershell-csv':
      return normalizePowerShellUal(row, ctx, true);
    case 'entra-signin-csv': {
      const { signIn, timeReading } = fromEntraCsv(row, ctx.dateOrder ?? null);
      const ev = normalizeSignin(signIn, ctx);
      if (timeReading !== null) ev.attrs.timeReading = timeReading;
      return ev;
    }
    case 'activities-csv': {
      const cpText = str(row['CustomProperties']);
      let cp: unknown = {};
      if (cpText !== null) {
        try {
          cp = parsePythonLiteral(cpText);
        } catch (err) {
          try {
            cp = JSON.parse(cpText) as unknown;
          } catch {
            throw new RecordError(`CustomProperties is not a Python dict: ${(err as Error).message}`);
          }
        }
      }
      if (!isObj(cp) && !Array.isArray(cp)) throw new RecordError('CustomProperties is not a dict');
      return normalizeActivity({ ...row, CustomProperties: cp }, ctx);
    }
    case 'office-activity-csv':
      return normalizeUal(fromOfficeActivity(row), ctx);
    default:
      throw new RecordError(`${format} is not a CSV format`);
  }
}
