// Real third-party exports (read from ../shared/samples, never copied into the repository).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/core/ingest';
import { eventById } from '../../src/core/store/events-repo';
import { listQuarantine } from '../../src/core/store/ingest-repo';
import { tempCase } from '../helpers/case';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'shared', 'samples');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function importSample(...rel: string[]) {
  const t = tempCase();
  cleanups.push(t.cleanup);
  const report = await importPaths(
    t.session,
    rel.map((r) => join(SAMPLES, r)),
  );
  for (const f of report.files) expect(f.read, f.path).toBe(f.imported + f.duplicates + f.quarantined);
  const rows = t.session.db.prepare('SELECT id FROM events ORDER BY ts_us, id').all() as { id: number }[];
  return { t, report, events: rows.map((r) => eventById(t.session.db, r.id)!) };
}

describe.skipIf(!existsSync(SAMPLES))('real samples', () => {
  it('Huntress Purview export: 219 rows, US-locale CreationDate, CRLF, ports, 38 one-character rules', async () => {
    const { report, events } = await importSample('huntress-ctf-2023-rogue-inbox/purview.csv');
    expect(report.files[0]).toMatchObject({
      format: 'purview-csv',
      read: 219,
      imported: 219,
      duplicates: 0,
      quarantined: 0,
      bytes: 338840,
    });
    const rules = events.filter((e) => e.operation === 'New-InboxRule');
    expect(rules).toHaveLength(38);
    for (const r of rules) {
      expect(r).toMatchObject({
        category: 'rule-change',
        actor: 'debrab@m365b132131.onmicrosoft.com',
        mailbox: 'debrab@m365b132131.onmicrosoft.com',
        clientIp: '185.73.124.135',
        result: 'success',
      });
      expect(r.attrs.rule?.name).toHaveLength(1);
      expect(r.summary).toMatch(
        /^New-InboxRule ".+" on debrab@m365b132131\.onmicrosoft\.com: move to [^,]+, mark as read, stop processing rules, when from flag@ctf\.com$/,
      );
    }
    // The two spellings of the same user are one actor.
    expect(new Set(events.filter((e) => e.actor?.startsWith('debrab')).map((e) => e.actor))).toEqual(
      new Set(['debrab@m365b132131.onmicrosoft.com']),
    );
    // Times come from AuditData.CreationTime (UTC), not the locale CreationDate column.
    expect(events[0]!.tsUs).toBe(Date.UTC(2023, 8, 20, 4, 5, 3) * 1000);
    const categories = new Set(events.map((e) => e.category));
    for (const c of ['rule-change', 'logon', 'admin', 'file']) expect(categories.has(c as never)).toBe(true);
  });

  it('Sekoia Management API records: anonymised ids dedupe, UpdateInboxRules JSON actions, ports', async () => {
    const file = 'sekoia-intake-formats/o365/o365_management_api_records.jsonl';
    const { report, events } = await importSample(file);
    // The sample is anonymised: several records share the Id "ANONYMIZED" and dedupe to one event.
    const ids = readFileSync(join(SAMPLES, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => String((JSON.parse(l) as { Id: string }).Id).toLowerCase());
    expect(report.files[0]).toMatchObject({ format: 'ual-json', read: 73, quarantined: 0, duplicates: ids.length - new Set(ids).size });
    const mia = events.filter((e) => e.operation === 'MailItemsAccessed');
    expect(mia.map((e) => e.clientIp)).toContain('192.0.2.1');
    const uir = events.filter((e) => e.operation === 'UpdateInboxRules');
    expect(uir.length).toBeGreaterThan(0);
    expect(uir.every((e) => e.category === 'forwarding' || e.category === 'rule-change')).toBe(true);
    expect(
      uir.flatMap((e) => e.attrs.rule?.actions.forwardTo ?? []).length + uir.filter((e) => e.attrs.rule?.conditions.raw).length,
    ).toBeGreaterThan(0);
    expect(events.find((e) => e.operation === 'UserLoggedIn' && e.clientIp === '1.2.3.4')).toBeTruthy();
  });

  it('OTRF Sentinel and Defender rows: OfficeActivity and CloudAppEvents describe the same record once', async () => {
    const { report, t, events } = await importSample(
      'otrf-security-datasets/OfficeActivityEvents.json',
      'otrf-security-datasets/Microsoft365DefenderEvents.json',
      'otrf-security-datasets/AADAuditEvents.json',
    );
    expect(report.files.map((f) => [f.format, f.read, f.imported, f.duplicates, f.quarantined])).toEqual([
      ['ual-json', 1, 1, 0, 0],
      ['ual-json', 9, 1, 1, 7],
      ['azure-monitor-entra', 4, 3, 1, 0],
    ]);
    const q = listQuarantine(t.session.db, {});
    expect(
      q.items.every((i) =>
        /Defender advanced-hunting row \(ActionType "(LdapSearch|Directory Services replication)"\) without RawEventData/.test(i.reason),
      ),
    ).toBe(true);
    // The CloudAppEvents row without RawEventData is read from its columns: the grant's scopes and resource.
    const fromColumns = events.find((e) => e.operation === 'Add delegated permission grant.')!;
    expect(fromColumns).toMatchObject({
      category: 'consent',
      actor: 'pgustavo@simulandlabs.com',
      recordKey: 'defender-cloudapp:106830890_11161_e417c1fd-ae0b-4efa-891b-bb6b0ea7d35e',
      summary:
        'Add delegated permission grant. on "Microsoft Graph" by pgustavo@simulandlabs.com: User.Read Mail.ReadWrite [Defender columns, no RawEventData]',
    });
    expect(fromColumns.attrs.consent).toMatchObject({ scopes: ['User.Read', 'Mail.ReadWrite'], resourceName: 'Microsoft Graph' });
    expect(fromColumns.attrs.fields?.['defenderColumns']).toMatchObject({ Permissions: 'User.Read Mail.ReadWrite', ApplicationId: 11161 });
    // The mail read through Graph is the attacker's app's (ClientAppId), not Graph's own id.
    expect(events.find((e) => e.operation === 'MailItemsAccessed')?.appId).toBe('5a95e683-08ad-424e-a441-1d1aec52c02c');
    // The tenant-wide grant is credited to the app that got Mail.ReadWrite, on Microsoft Graph.
    expect(events.find((e) => e.operation === 'Add delegated permission grant')?.attrs.consent).toMatchObject({
      servicePrincipalId: '0d2f5969-011b-460d-ac74-3291d227d49f',
      resourceName: 'Microsoft Graph',
      scopes: ['User.Read', 'Mail.ReadWrite'],
      isAdminConsent: true,
    });
  });

  it('graph2otel live captures: Graph audit records, sign-ins, directory audits, Azure Monitor blobs', async () => {
    const { report, events } = await importSample(
      'graph2otel/graph_auditlog_query_records_live.json',
      'graph2otel/graph_signins_live_interactive.json',
      'graph2otel/graph_directoryaudits_live.json',
      'graph2otel/azure_monitor_signin_blob_records.ndjson',
      'graph2otel/m365_activity_dlp_records.json',
    );
    expect(report.files.map((f) => [f.format, f.read, f.quarantined])).toEqual([
      ['graph-audit-records', 5, 0],
      ['entra-signin-json', 1, 0],
      ['graph-directory-audits', 3, 0],
      ['azure-monitor-entra', 2, 0],
      ['ual-json', 2, 0],
    ]);
    const graphLogin = events.find((e) => e.recordKey === 'ual:d87d2977-96b6-4c65-aa44-032f7e314400')!;
    expect(graphLogin).toMatchObject({ clientIp: '2001:db8::1038', actor: 'rob@m7kni.io' });
    // The blob's createdDateTime (+00:00), not the envelope time written 144 s later.
    const sp = events.find((e) => e.recordKey === 'signin:5762b741-b128-4e73-80d4-f05a660c3b00')!;
    expect(sp.tsUs).toBe(Date.UTC(2026, 6, 16, 15, 31, 34) * 1000 + 188186);
    expect(sp).toMatchObject({ result: 'failure', recordType: 'servicePrincipal' });
  });

  it('msticpy OfficeActivity CSV: multi-line Parameters cells, bracketed IPv6 with port, blank users', async () => {
    const { report, events } = await importSample('msticpy/demo_exchange_data.csv');
    expect(report.files[0]).toMatchObject({ format: 'office-activity-csv', read: 1334, quarantined: 0 });
    // 26 rows of the export are byte-identical repeats of others: kept as sightings.
    expect(report.files[0]!.duplicates).toBe(26);
    expect(events.some((e) => e.clientIp === '2603:1036:302:4091::5')).toBe(true);
    expect(events.filter((e) => e.operation === 'Set-Mailbox').length).toBeGreaterThan(100);
  });

  it('Azure AD Event Hub records, Graph directory audits and Management API docs samples', async () => {
    const { report, events } = await importSample(
      'sekoia-intake-formats/azure-ad/azure_ad_eventhub_records.jsonl',
      'sekoia-intake-formats/microsoft-entraid-graphapi/graph_entraid_records.jsonl',
      'msdocs-office-365-management-api/content_blob_sample_response.json',
      'wazuh/graph_directoryaudits_page_b2c.json',
    );
    expect(report.files.map((f) => [f.format, f.read, f.quarantined])).toEqual([
      ['azure-monitor-entra', 25, 0],
      ['graph-directory-audits', 79, 0],
      ['ual-json', 3, 0],
      ['graph-directory-audits', 2, 0],
    ]);
    expect(events.find((e) => e.operation === 'Add app role assignment to service principal')?.attrs.consent).toMatchObject({
      appName: 'Apps_Test_SOC',
      appId: '77777777-7777-7777-7777-777777777777',
      resourceName: 'Office 365 Exchange Online',
      scopes: ['SMTP.SendAsApp'],
    });
    const graph = events.filter((e) => e.recordType === 'MicrosoftGraphActivityLogs');
    expect(graph.length).toBeGreaterThan(0);
    for (const e of graph) {
      expect(e.tokenId).toEqual(expect.any(String));
      // Timed by the request's own timeGenerated, not the delivery envelope.
      expect(e.attrs.timeFallback).toBeUndefined();
    }
    // The token's sid claim (C_Sid) is the session; the older records were written before Microsoft added it.
    expect(graph.map((e) => e.sessionId).filter((s) => s !== null)).toEqual(['11111111-1111-1111-1111-111111111111']);
  });

  it('Panther test logs (normalised, lower-cased keys): never a crash, always adds up', async () => {
    const { report } = await importSample(
      'panther-analysis/azure_signin_audit_tests.jsonl',
      'panther-analysis/microsoft365_audit_tests.jsonl',
    );
    expect(report.files.map((f) => f.read)).toEqual([51, 15]);
    expect(report.imported).toBeGreaterThan(30);
  });

  it('files that are not exports are reported, not crashed on', async () => {
    const { report } = await importSample('SOURCES.md', 'sekoia-intake-formats/azure-ad/tests/sign-in_activity.json');
    expect(report.files.map((f) => f.error)).toEqual([
      expect.stringMatching(/neither JSON nor a CSV/),
      // A parser's test case, not an export: the reason names what the records hold.
      'JSON records of an unknown kind; the first has the keys input, expected',
    ]);
  });

  it('Management Activity API content lists and webhook notifications are kept as reference data', async () => {
    const { report } = await importSample(
      'msdocs-office-365-management-api/content_list_sample_response.json',
      'msdocs-office-365-management-api/webhook_notification_sample.json',
    );
    expect(report.files.map((f) => [f.error, f.note])).toEqual([
      [undefined, 'Office 365 Management Activity API content list or notification: reference data, kept as evidence (no events)'],
      [undefined, 'Office 365 Management Activity API content list or notification: reference data, kept as evidence (no events)'],
    ]);
  });
});
