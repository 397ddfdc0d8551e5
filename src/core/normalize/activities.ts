/**
 * Outlook REST "Activities API" records (2018) → {@link NormalizedEvent}: the v2.0 JSON
 * (`CustomProperties` as Name/Value pairs) and CrowdStrike retriever CSV rows (mapped first by the
 * CSV reader). Activities are per mailbox: the owner comes from the import (`mailbox` option) when
 * the record does not name it. Reference §1.
 */
import { createHash } from 'node:crypto';
import type { EventAttrs } from '../../shared/model/attrs';
import type { EventCategory, NormalizedEvent } from '../../shared/model/event';
import { makeEvent, RecordError, timeFallback, type NormalizeContext } from './event';
import { canonicalIp } from './ip';
import { parseMachineTimeUs, parseUsDateUs } from './time';
import { clip, first, lower, nameValues, normalizeResult, obj, q, str, trimKeys, type Obj } from './values';

const CATEGORY: Record<string, EventCategory> = {
  messagesent: 'mail-send',
  forward: 'mail-send',
  reply: 'mail-send',
  replyall: 'mail-send',
  remotesend: 'mail-send',
  readingpanedisplaystart: 'mail-read',
  readingpanedisplayend: 'mail-read',
  markasread: 'mail-read',
  openedanattachment: 'mail-read',
  previewofattachmentstarted: 'mail-read',
  linkclicked: 'mail-read',
  inspectordisplaystart: 'mail-read',
  delete: 'mail-delete',
  deletefolder: 'mail-delete',
  searchresult: 'search',
  searchqueryexecute: 'search',
  searchsuggestiondisplay: 'search',
  searchsuggestionsdisplay: 'search',
  searchsessionstart: 'search',
  searchrequestend: 'search',
  searchrefinersdisplay: 'search',
  serverlogon: 'logon',
  logon: 'logon',
};

/** The typed text out of a `SearchResult` `Query` value (XML-ish), else the value. */
function queryText(v: unknown): string | null {
  const s = str(v);
  if (s === null) return null;
  const m = /<QueryString[^>]*>([^<]*)<\/QueryString>|<Query[^>]*>([^<]*)<\/Query>/i.exec(s);
  return m ? (m[1] ?? m[2] ?? s).trim() || s : s;
}

/** A stable key for activity rows that lost their `Id` (the retriever CSV drops it). */
function contentKey(mailbox: string | null, r: Obj, props: Obj): string {
  const h = createHash('sha256')
    .update(
      JSON.stringify([
        mailbox,
        r['TimeStamp'],
        r['ActivityIdType'],
        r['AppIdType'],
        r['ActivityItemId'],
        r['ClientSessionId'],
        r['ActivityCreationTime'],
        props,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
  return `activity:h:${h}`;
}

/** Normalizes one activity; `CustomProperties` may be a Name/Value array or an already flat object. */
export function normalizeActivity(input: Obj, ctx: NormalizeContext): NormalizedEvent {
  const r = trimKeys(input);
  const type = str(r['ActivityIdType']);
  if (type === null) throw new RecordError('activity has no ActivityIdType');
  const ownUs = parseMachineTimeUs(r['TimeStamp']);
  const tsUs = ownUs ?? parseMachineTimeUs(r['ActivityCreationTime']);
  if (tsUs === null) throw new RecordError(`activity has no valid TimeStamp (${JSON.stringify(r['TimeStamp'] ?? null)})`);
  // (Name/Value pairs, also as JSON text, as the CSV path reads them; or an object already flat.)
  const cp = r['CustomProperties'];
  const flat = Array.isArray(cp) ? null : obj(cp);
  const props: Obj = flat !== null && !('Name' in flat && 'Value' in flat) ? flat : nameValues(cp);
  const app = str(r['AppIdType']);
  const userName = lower(props['UserName']);
  const mailbox = ctx.mailbox ?? (userName !== null && userName.includes('@') ? userName : null);
  const actor = app?.toLowerCase() === 'exchange' ? null : mailbox;
  const ip = canonicalIp(first(props['ClientIP'], props['IPAddress'], props['ClientIp']));
  const subject = str(props['Subject']);
  const fields: Obj = { ...props };
  const received = str(props['ReceivedTime']);
  if (received !== null) {
    // Written in US `M/D/YYYY h:mm:ss AM/PM` (reference §1.7).
    const us = parseMachineTimeUs(received) ?? parseUsDateUs(received);
    if (us !== null) fields['ReceivedTimeUs'] = us;
  }
  const attrs: EventAttrs = { fields };
  if (ownUs === null) attrs.timeFallback = timeFallback('TimeStamp', r['TimeStamp'], 'ActivityCreationTime');
  const category = CATEGORY[type.toLowerCase()] ?? 'other';
  let object = subject ?? str(r['ActivityItemId']);
  if (category === 'search') {
    const query = queryText(props['Query']) ?? str(props['SuggestionStimulus']) ?? str(props['QueryText']);
    attrs.search = { query };
    if (query !== null) object = query;
  }
  if (type === 'MessageSent' || type === 'Forward' || type === 'Reply' || type === 'ReplyAll') {
    attrs.send = {
      subject,
      internetMessageId: str(props['InternetMessageId']),
      recipients: (str(props['Recipients']) ?? '')
        .split(';')
        .map((x) => x.trim().toLowerCase())
        .filter((x) => x.length > 0),
      sendAs: null,
      sendOnBehalfOf: null,
    };
  }
  const id = str(r['Id']);
  const ua = first(props['UserAgent'], props['Browser']);
  const summary = `${type}${object !== null && object !== str(r['ActivityItemId']) ? ` ${q(object)}` : ''}${mailbox ? ` in ${mailbox}` : ''}${app ? ` (${app})` : ''}${ip ? ` from ${ip}` : ''}`;
  return makeEvent(
    {
      tsUs,
      source: 'activities',
      operation: type,
      category,
      summary: clip(summary, 300),
      recordKey: id ? `activity:${id}` : contentKey(mailbox, r, props),
      attrs,
    },
    ctx,
    {
      recordType: app,
      actor,
      mailbox,
      clientIp: ip,
      userAgent: ua,
      clientApp: app,
      sessionId: str(r['ClientSessionId']),
      result: normalizeResult(props['Result']),
      object: object !== null ? clip(object, 500) : null,
    },
  );
}
