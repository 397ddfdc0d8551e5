/** Labels and descriptions of every input format (`import:formats`, CLI help, docs/formats.md). */
import type { FormatId, FormatInfo } from '../../shared/model/ingest';

/** Every format, in the order shown to the examiner. */
export const FORMAT_INFO: readonly FormatInfo[] = [
  {
    id: 'purview-csv',
    label: 'Purview audit search export (CSV)',
    description:
      'Microsoft Purview portal audit search export: RecordId,CreationDate,RecordType,Operation,UserId,AuditData,… or the classic CreationDate,UserIds,Operations,AuditData. AuditData is the full record.',
    family: 'ual',
    extensions: ['csv'],
  },
  {
    id: 'ual-powershell-csv',
    label: 'Search-UnifiedAuditLog | Export-Csv',
    description:
      'Exchange Online PowerShell Search-UnifiedAuditLog output saved with Export-Csv (RunspaceId,RecordType,CreationDate,UserIds,Operations,AuditData,ResultIndex,…).',
    family: 'ual',
    extensions: ['csv'],
  },
  {
    id: 'ual-powershell-json',
    label: 'Search-UnifiedAuditLog | ConvertTo-Json',
    description: 'Search-UnifiedAuditLog objects saved with ConvertTo-Json: AuditData is a JSON string, CreationDate may be /Date(ms)/.',
    family: 'ual',
    extensions: ['json'],
  },
  {
    id: 'ual-json',
    label: 'Unified audit records (JSON, JSON Lines)',
    description:
      'Raw audit records: Management Activity API content blobs, JSON Lines (Microsoft-Extractor-Suite, Sentinel/Log Analytics OfficeActivity exports), pretty-printed arrays, Defender CloudAppEvents rows with RawEventData.',
    family: 'ual',
    extensions: ['json', 'jsonl', 'ndjson'],
  },
  {
    id: 'graph-audit-records',
    label: 'Graph audit log query records',
    description:
      'Microsoft Graph security/auditLog/queries/{id}/records: auditLogRecord objects with auditData, as pages ({value, @odata.nextLink}) or arrays.',
    family: 'ual',
    extensions: ['json', 'jsonl'],
  },
  {
    id: 'graph-signins',
    label: 'Graph sign-in logs',
    description: 'Microsoft Graph auditLogs/signIns (v1.0 or beta), as pages or arrays.',
    family: 'signin',
    extensions: ['json', 'jsonl'],
  },
  {
    id: 'graph-directory-audits',
    label: 'Graph directory audits',
    description: 'Microsoft Graph auditLogs/directoryAudits, as pages or arrays.',
    family: 'directory-audit',
    extensions: ['json', 'jsonl'],
  },
  {
    id: 'entra-signin-csv',
    label: 'Entra sign-in download (CSV)',
    description:
      'Entra admin center sign-in log download in CSV (interactive, non-interactive, application, managed identity; also the older CreatedDateTime,UserPrincipalName,… layout).',
    family: 'signin',
    extensions: ['csv'],
  },
  {
    id: 'entra-signin-json',
    label: 'Entra sign-in download (JSON)',
    description: 'Entra admin center sign-in log download in JSON: an array of sign-in objects.',
    family: 'signin',
    extensions: ['json'],
  },
  {
    id: 'azure-monitor-entra',
    label: 'Entra logs via Azure Monitor',
    description:
      'Diagnostic settings records (Event Hub {records:[…]}, storage account JSON Lines, Log Analytics rows): SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs, ManagedIdentitySignInLogs, AuditLogs and other categories.',
    family: 'signin',
    extensions: ['json', 'jsonl'],
  },
  {
    id: 'activities-json',
    label: 'Outlook Activities API (JSON)',
    description:
      'Outlook REST v2.0 Users(…)/Activities responses: value of activity records with CustomProperties Name/Value pairs (2018).',
    family: 'activities',
    extensions: ['json'],
  },
  {
    id: 'activities-csv',
    label: 'Outlook Activities (CrowdStrike retriever CSV)',
    description:
      'CSV written by CrowdStrike retriever.py: TimeStamp,AppIdType,ActivityIdType,ActivityItemId,ActivityCreationTime,ClientSessionId,CustomProperties (a Python dict), UTF-8 with BOM.',
    family: 'activities',
    extensions: ['csv'],
  },
  {
    id: 'graph-message-rules',
    label: 'Graph inbox rules (messageRules)',
    description: 'Microsoft Graph users/{id}/mailFolders/inbox/messageRules: the inbox rules of one mailbox at acquisition time.',
    family: 'mailbox-state',
    extensions: ['json'],
  },
  {
    id: 'graph-mailbox-settings',
    label: 'Graph mailbox settings',
    description:
      'Microsoft Graph users/{id}/mailboxSettings: automatic replies, time zone, working hours of one mailbox at acquisition time.',
    family: 'mailbox-state',
    extensions: ['json'],
  },
  {
    id: 'graph-oauth2-grants',
    label: 'Graph delegated consent grants',
    description: 'Microsoft Graph oauth2PermissionGrants: delegated permissions granted to applications (AllPrincipals or one user).',
    family: 'mailbox-state',
    extensions: ['json'],
  },
  {
    id: 'inbox-rules-powershell',
    label: 'Get-InboxRule | ConvertTo-Json',
    description:
      'Exchange Online PowerShell Get-InboxRule objects saved with ConvertTo-Json: the inbox rules of a mailbox at acquisition time.',
    family: 'mailbox-state',
    extensions: ['json'],
  },
  {
    id: 'office-activity-csv',
    label: 'Sentinel OfficeActivity (CSV)',
    description:
      'Sentinel / Log Analytics OfficeActivity query results exported as CSV (any subset of columns, e.g. TimeGenerated,UserId,ClientIP,Operation,Parameters).',
    family: 'ual',
    extensions: ['csv'],
  },
];

const BY_ID = new Map(FORMAT_INFO.map((f) => [f.id, f]));

/** The description of one format. */
export function formatInfo(id: FormatId): FormatInfo {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`no format info for ${id}`);
  return f;
}
