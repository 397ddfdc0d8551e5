/**
 * JSON Lines exports: Mailtrail's own (every stored field, attrs as an object, the raw record,
 * tags and comments) and Timesketch's import format (`message`, `datetime`, `timestamp`,
 * `timestamp_desc`, flat attributes, `tag` list) so a team can continue in Timesketch.
 */
import type { ExportRecord } from './rows';

/** One Mailtrail JSONL line. */
export function jsonlLine(r: ExportRecord): string {
  return `${JSON.stringify(r)}\n`;
}

/** What each source's time means (Timesketch `timestamp_desc`). */
const TIMESTAMP_DESC: Record<string, string> = {
  ual: 'Audit Record Creation Time',
  signin: 'Sign-in Time',
  'directory-audit': 'Directory Audit Activity Time',
  activities: 'Outlook Activity Time',
  'mailbox-state': 'Mailbox State Time',
  manual: 'Examiner Added Event Time',
};

/** One Timesketch JSONL line. */
export function timesketchLine(r: ExportRecord, caseId: string): string {
  const line: Record<string, unknown> = {
    message: `[${r.source}] ${r.operation}: ${r.summary}`,
    datetime: r.time.replace(/Z$/, '+00:00'),
    timestamp: r.ts_us,
    timestamp_desc: TIMESTAMP_DESC[r.source] ?? 'Event Time',
    data_type: `mailtrail:${r.source}`,
    mailtrail_event_id: r.id,
    mailtrail_case_id: caseId,
  };
  const flat: [string, unknown][] = [
    ['source_family', r.source],
    ['record_type', r.record_type],
    ['operation', r.operation],
    ['category', r.category],
    ['actor', r.actor],
    ['mailbox', r.mailbox],
    ['client_ip', r.client_ip],
    ['country', r.country],
    ['asn', r.asn],
    ['as_org', r.as_org],
    ['user_agent', r.user_agent],
    ['client_app', r.client_app],
    ['app_id', r.app_id],
    ['session_id', r.session_id],
    ['token_id', r.token_id],
    ['device_id', r.device_id],
    ['result', r.result],
    ['object', r.object],
    ['record_key', r.record_key],
    ['evidence_id', r.evidence_id],
    ['record_index', r.record_index],
  ];
  for (const [k, v] of flat) if (v !== null && v !== undefined) line[k] = v;
  if (r.examiner_added) line['examiner_added'] = true;
  // Nested objects would give each event its own index mapping in OpenSearch: keep them as text.
  if (Object.keys(r.attrs).length > 0) line['attrs_json'] = JSON.stringify(r.attrs);
  line['raw_record'] = r.raw;
  if (r.tags.length > 0) line['tag'] = r.tags;
  if (r.starred) line['starred'] = true;
  if (r.comments.length > 0) line['comments'] = r.comments.map((c) => `${c.author} @ ${c.time}: ${c.text}`).join('\n');
  return `${JSON.stringify(line)}\n`;
}
