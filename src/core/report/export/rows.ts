/** The flat event record every export format starts from: stored fields plus examiners' notes. */
import type { TimelineEvent } from '../../../shared/model/event';
import { isoUs } from '../../../shared/time/format';
import type { EventColumnsRow } from '../../store/events-repo';
import type { EventNotes } from '../sources/annotations';

/** An event with its notes, as exported (the stored columns, then time, notes and payload). */
export interface ExportRecord extends Omit<EventColumnsRow, 'examiner_added'> {
  /** ISO 8601 UTC with microseconds. */
  time: string;
  examiner_added: boolean;
  tags: string[];
  starred: boolean;
  comments: { author: string; time: string; text: string }[];
  attrs: TimelineEvent['attrs'];
  raw: string;
}

/** Builds the export record of `ev`. */
export function exportRecord(ev: TimelineEvent, notes: EventNotes | undefined): ExportRecord {
  return {
    id: ev.id,
    ts_us: ev.tsUs,
    time: isoUs(ev.tsUs),
    source: ev.source,
    record_type: ev.recordType,
    operation: ev.operation,
    category: ev.category,
    actor: ev.actor,
    mailbox: ev.mailbox,
    client_ip: ev.clientIp,
    country: ev.country,
    asn: ev.asn,
    as_org: ev.asOrg,
    user_agent: ev.userAgent,
    client_app: ev.clientApp,
    app_id: ev.appId,
    session_id: ev.sessionId,
    token_id: ev.tokenId,
    device_id: ev.deviceId,
    result: ev.result,
    object: ev.object,
    summary: ev.summary,
    record_key: ev.recordKey,
    evidence_id: ev.evidenceId,
    record_index: ev.recordIndex,
    examiner_added: ev.examinerAdded,
    tags: notes?.tags.map((t) => t.name) ?? [],
    starred: notes?.starred ?? false,
    comments: notes?.comments.map((c) => ({ author: c.author, time: isoUs(c.atUs), text: c.text })) ?? [],
    attrs: ev.attrs,
    raw: ev.raw,
  };
}
