// Every fixture format (with its quirks and its malformed variants) imported into a fresh case:
// detected format, counts that add up, the mapped fields, idempotent re-import, clear quarantine reasons.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPaths } from '../../src/core/ingest';
import { eventById } from '../../src/core/store/events-repo';
import { listQuarantine } from '../../src/core/store/ingest-repo';
import type { TimelineEvent } from '../../src/shared/model/event';
import { casesPerTest } from '../helpers/case';
import { custody } from '../helpers/import';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fresh = casesPerTest();

/** [fixture (archive members after `!`), format, read, imported, duplicates, quarantined, error?] */
const EXPECTED: [string, string | null, number, number, number, number, RegExp?][] = [
  ['activities-csv/retriever-ceo.csv', 'activities-csv', 5, 3, 1, 1],
  ['activities-json/ceo-activities.json', 'activities-json', 5, 4, 0, 1],
  // An archive has a row of its own (its SHA-256, a note), then one per member.
  ['archives/extractor-suite-output.zip', null, 0, 0, 0, 0],
  ['archives/extractor-suite-output.zip!export/purview.csv', 'purview-csv', 1, 1, 0, 0],
  ['archives/extractor-suite-output.zip!export/signins.json', 'entra-signin-json', 1, 1, 0, 0],
  ['archives/extractor-suite-output.zip!export/README.txt', null, 0, 0, 0, 0, /neither JSON nor a CSV export/],
  // Password-protected, imported without a password: each member says how to give one
  // (import-encrypted.test.ts imports them with it).
  ['archives/encrypted/aes128-stored.zip', null, 0, 0, 0, 0],
  ['archives/encrypted/aes128-stored.zip!export/records.jsonl', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/aes128-stored.zip!export/signins.json', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/aes256.zip', null, 0, 0, 0, 0],
  ['archives/encrypted/aes256.zip!export/records.jsonl', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/aes256.zip!export/signins.json', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/aes256-stored-large.zip', null, 0, 0, 0, 0],
  ['archives/encrypted/aes256-stored-large.zip!ual-stored.jsonl', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/zipcrypto-latin1-password.zip', null, 0, 0, 0, 0],
  [
    'archives/encrypted/zipcrypto-latin1-password.zip!export/records.jsonl',
    null,
    0,
    0,
    0,
    0,
    /password-protected zip\): give its password/,
  ],
  ['archives/encrypted/zipcrypto-stored-large.zip', null, 0, 0, 0, 0],
  ['archives/encrypted/zipcrypto-stored-large.zip!ual-stored.jsonl', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/zipcrypto-streamed.zip', null, 0, 0, 0, 0],
  ['archives/encrypted/zipcrypto-streamed.zip!-', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/zipcrypto-utf8-password.zip', null, 0, 0, 0, 0],
  ['archives/encrypted/zipcrypto-utf8-password.zip!export/signins.json', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/zipcrypto-utf8-password.zip!export/records.jsonl', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/zipcrypto.zip', null, 0, 0, 0, 0],
  ['archives/encrypted/zipcrypto.zip!export/signins.json', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/encrypted/zipcrypto.zip!export/records.jsonl', null, 0, 0, 0, 0, /password-protected zip\): give its password/],
  ['archives/records.jsonl.gz', null, 0, 0, 0, 0],
  ['archives/records.jsonl.gz!records.jsonl', 'ual-json', 2, 2, 0, 0],
  ['azure-monitor-entra/eventhub.json', 'azure-monitor-entra', 7, 7, 0, 0],
  ['azure-monitor-entra/log-analytics.jsonl', 'azure-monitor-entra', 2, 2, 0, 0],
  ['azure-monitor-entra/storage-blob.jsonl', 'azure-monitor-entra', 2, 2, 0, 0],
  ['entra-signin-csv/InteractiveSignIns_2026-01-24.csv', 'entra-signin-csv', 3, 2, 1, 0],
  ['entra-signin-csv/older-layout.csv', 'entra-signin-csv', 3, 2, 0, 1],
  ['entra-signin-csv/older-layout-day-first.csv', 'entra-signin-csv', 3, 3, 0, 0],
  // 24-hour locale dates, none of which tells day from month: quarantined unless the examiner says (--date-order).
  ['entra-signin-csv/older-layout-24h.csv', 'entra-signin-csv', 2, 0, 0, 2],
  ['entra-signin-json/signins.json', 'entra-signin-json', 2, 2, 0, 0],
  ['graph-audit-records/page.json', 'graph-audit-records', 3, 3, 0, 0],
  ['graph-directory-audits/page.json', 'graph-directory-audits', 2, 2, 0, 0],
  ['graph-mailbox-settings/ceo-mailboxsettings.json', 'graph-mailbox-settings', 1, 1, 0, 0],
  ['graph-message-rules/ceo-messagerules.json', 'graph-message-rules', 2, 2, 0, 0],
  ['graph-oauth2-grants/grants.json', 'graph-oauth2-grants', 2, 2, 0, 0],
  ['graph-reference/mailFolders.json', null, 0, 0, 0, 0],
  ['graph-reference/servicePrincipals.json', null, 0, 0, 0, 0],
  ['mgmt-api-reference/content-list.json', null, 0, 0, 0, 0],
  ['graph-signins/page.json', 'graph-signins', 2, 2, 0, 0],
  ['inbox-rules-powershell/ceo-inboxrules.json', 'inbox-rules-powershell', 2, 2, 0, 0],
  ['inbox-rules-powershell/single-rule.json', 'inbox-rules-powershell', 1, 1, 0, 0],
  ['office-activity-csv/officeactivity.csv', 'office-activity-csv', 2, 2, 0, 0],
  ['purview-csv/binary-junk.csv', null, 0, 0, 0, 0, /binary data/],
  ['purview-csv/broken-row.csv', 'purview-csv', 4, 2, 0, 2],
  ['purview-csv/classic-layout.csv', 'purview-csv', 3, 3, 0, 0],
  ['purview-csv/empty.csv', null, 0, 0, 0, 0, /empty file/],
  // Opened and saved in Excel: CreationDate rewritten as locale text, the long AuditData cut at 32,767.
  ['purview-csv/excel-saved.csv', 'purview-csv', 2, 1, 0, 1],
  ['purview-csv/header-only.csv', 'purview-csv', 0, 0, 0, 0],
  ['purview-csv/new-layout.csv', 'purview-csv', 11, 10, 1, 0],
  ['purview-csv/truncated.csv', 'purview-csv', 2, 1, 0, 1],
  ['purview-csv/utf16le.csv', 'purview-csv', 1, 1, 0, 0],
  ['purview-csv/utf8-stray-byte.csv', 'purview-csv', 3, 2, 0, 1],
  ['purview-csv/windows-1252.csv', 'purview-csv', 1, 1, 0, 0],
  ['ual-json/content-blob.json', 'ual-json', 4, 4, 0, 0],
  // Advanced-hunting rows whose query projected RawEventData away: CloudAppEvents read from their
  // columns, a Defender for Identity row quarantined as no Microsoft 365 record.
  ['ual-json/defender-cloudappevents-projected.jsonl', 'ual-json', 3, 2, 0, 1],
  ['ual-json/pretty.json', 'ual-json', 3, 3, 0, 0],
  ['ual-json/records.jsonl', 'ual-json', 5, 3, 0, 2],
  ['ual-json/sentinel-officeactivity.jsonl', 'ual-json', 1, 1, 0, 0],
  ['ual-json/truncated.json', 'ual-json', 3, 2, 0, 1],
  ['ual-powershell-csv/search-unifiedauditlog.csv', 'ual-powershell-csv', 3, 3, 0, 0],
  ['ual-powershell-json/search-unifiedauditlog.json', 'ual-powershell-json', 3, 3, 0, 0],
];

function events(db: ReturnType<typeof fresh>['session']['db']): TimelineEvent[] {
  return (db.prepare('SELECT id FROM events ORDER BY ts_us, id').all() as { id: number }[]).map((r) => eventById(db, r.id)!);
}

/** The imported events' objects, sorted (for exports whose records differ by subject). */
function objects(t: ReturnType<typeof fresh>): (string | null)[] {
  return events(t.session.db)
    .map((e) => e.object)
    .sort();
}

/** The encodings the `import.evidence` journal entries recorded, in import order. */
function journaledEncodings(t: ReturnType<typeof fresh>): unknown[] {
  return t.session.journal
    .list(0, 100)
    .filter((e) => e.action === 'import.evidence')
    .map((e) => e.details['encoding']);
}

describe('every fixture imports, adds up, and re-imports as duplicates', () => {
  it('lists every fixture file (their READMEs aside)', () => {
    const listed = new Set(EXPECTED.map((e) => e[0].split('!')[0]!));
    const onDisk = (readdirSync(FIXTURES, { recursive: true }) as string[])
      .map((f) => f.split(sep).join('/'))
      .filter((f) => statSync(join(FIXTURES, f)).isFile() && !f.endsWith('README.md'));
    expect(onDisk.filter((f) => !listed.has(f))).toEqual([]);
  });

  const byFile = new Map<string, typeof EXPECTED>();
  for (const e of EXPECTED) {
    const file = e[0].split('!')[0]!;
    byFile.set(file, [...(byFile.get(file) ?? []), e]);
  }
  for (const [file, expected] of byFile) {
    it(file, async () => {
      const t = fresh();
      const first = await importPaths(t.session, [join(FIXTURES, file)]);
      const rows = first.files.map((f) => [
        `${file}${f.path.includes('!') ? `!${f.path.split('!').slice(1).join('!')}` : ''}`,
        f.format,
        f.read,
        f.imported,
        f.duplicates,
        f.quarantined,
      ]);
      expect(rows).toEqual(expected.map((e) => e.slice(0, 6)));
      // Only an archive's own row (the first) says it is one.
      const kind = /\.(zip|gz)$/.exec(file)?.[1];
      const archive = kind === undefined ? null : kind === 'gz' ? 'gzip' : 'zip';
      expect(first.files.map((f) => f.archive ?? null)).toEqual(first.files.map((_, i) => (i === 0 ? archive : null)));
      for (const [i, f] of first.files.entries()) {
        expect(f.read, f.path).toBe(f.imported + f.duplicates + f.quarantined);
        const err = expected[i]![6];
        if (err) expect(f.error).toMatch(err);
        else expect(f.error).toBeUndefined();
        // A member that cannot be extracted (encrypted, no password) is held by its archive's item only.
        const heldByArchive = /password-protected/.test(f.error ?? '');
        expect(f.sha256).toMatch(heldByArchive ? /^$/ : /^[0-9a-f]{64}$/);
        expect(f.evidenceId === null).toBe(heldByArchive);
      }
      expect(first.read).toBe(first.imported + first.duplicates + first.quarantined);
      // Every quarantined record names its position and a reason.
      const q = listQuarantine(t.session.db, { limit: 1000 });
      expect(q.total).toBe(first.quarantined);
      for (const item of q.items) {
        expect(item.location).toMatch(/^(line \d+|record \d+ \(line \d+\))/);
        expect(item.reason.length).toBeGreaterThan(5);
      }
      // Re-importing the same file imports nothing new and quarantines nothing twice.
      const again = await importPaths(t.session, [join(FIXTURES, file)]);
      expect(again.imported).toBe(0);
      expect(again.read).toBe(first.read);
      expect(again.duplicates).toBe(first.imported + first.duplicates);
      expect(listQuarantine(t.session.db, { limit: 1000 }).total).toBe(first.quarantined);
      // Parsed counts are recorded on the evidence items.
      for (const f of first.files.filter((x) => !x.error && !x.note))
        expect(t.session.evidence.get(f.evidenceId!).parsedCount).toBe(f.read);
    });
  }
});

describe('field mapping per format', () => {
  it('Purview new layout: BOM, CRLF, trailing-space CreationDate, ports, IPv6, "True", a trailing-space key', async () => {
    const t = fresh();
    await importPaths(t.session, [join(FIXTURES, 'purview-csv/new-layout.csv')]);
    const evs = events(t.session.db);
    const rule = evs.find((e) => e.operation === 'New-InboxRule')!;
    expect(rule).toMatchObject({
      tsUs: Date.UTC(2026, 0, 24, 6, 54, 24) * 1000,
      category: 'rule-change',
      actor: 'ceo@contoso.com',
      mailbox: 'ceo@contoso.com',
      clientIp: '185.73.124.135',
      result: 'success',
      tokenId: '3kVZRE8tFkinHtPA7_EFAA',
      sessionId: '9dfdecb6-59a0-4714-846e-86c0fc911104',
      summary:
        'New-InboxRule "." on ceo@contoso.com: move to RSS Feeds, mark as read, stop processing rules, when subject contains "invoice"',
    });
    expect(rule.attrs.rule).toMatchObject({
      operation: 'create',
      name: '.',
      actions: { moveToFolder: 'RSS Feeds', markAsRead: true },
      conditions: { subjectContainsWords: ['invoice'] },
    });
    expect(rule.attrs.fields?.['ExternalAccess']).toBe(false);
    expect(JSON.parse(rule.raw)).toMatchObject({ Id: '85d29e27-be28-4f2c-96c8-08dbbe33c473', 'ExternalAccess ': false });
    expect(rule.attrs.fields?.['export']).toEqual({
      RecordId: '85d29e27-be28-4f2c-96c8-08dbbe33c473',
      CreationDate: '2026-01-24T06:54:24.0000000Z ',
      RecordType: '1',
      Operation: 'New-InboxRule',
      UserId: 'CEO@Contoso.com',
    });
    const fwd = evs.find((e) => e.operation === 'Set-Mailbox')!;
    expect(fwd).toMatchObject({ category: 'forwarding', clientIp: '2001:db8::42', mailbox: 'ceo@contoso.com' });
    expect(fwd.attrs.forwarding).toEqual({
      forwardingSmtpAddress: 'exfil@evil.example',
      forwardingAddress: null,
      deliverToMailboxAndForward: true,
    });
    const sync = evs.find((e) => e.operation === 'MailItemsAccessed' && e.attrs.mailAccess?.accessType === 'Sync')!;
    expect(sync.summary).toBe('MailItemsAccessed Sync of Inbox (532 items) from 185.73.124.135');
    // The app is the token's client (AppAccessContext.ClientAppId); the record's AppId (Exchange) is kept beside it.
    expect(sync).toMatchObject({ appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', tokenId: 't0k3nAAAA', mailbox: 'ceo@contoso.com' });
    expect(sync.attrs.fields?.['AppId']).toBe('00000002-0000-0ff1-ce00-000000000000');
    const bind = evs.find((e) => e.attrs.mailAccess?.accessType === 'Bind')!;
    expect(bind).toMatchObject({ clientIp: 'fe80::1' });
    expect(bind.attrs.mailAccess).toMatchObject({
      throttled: true,
      messageIds: ['<a1@contoso.com>', '<a2@contoso.com>'],
      folders: [{ path: 'Inbox\\Finance', itemCount: 2 }],
    });
    const login = evs.find((e) => e.operation === 'UserLoggedIn')!;
    expect(login).toMatchObject({
      category: 'logon',
      result: 'success',
      userAgent: 'python-requests/2.31.0',
      appId: '4765445b-32c6-49b0-83e6-1d93765276ca',
    });
    expect(evs.find((e) => e.operation === 'UserLoginFailed')).toMatchObject({ result: 'failure', userAgent: 'BAV2ROPC' });
    const consent = evs.find((e) => e.operation === 'Consent to application.')!;
    expect(consent.category).toBe('consent');
    expect(consent.attrs.consent).toEqual({
      appId: '11111111-1111-1111-1111-111111111111',
      appName: 'Mail Helper Pro',
      scopes: ['Mail.Read', 'Mail.Send', 'offline_access'],
      isAdminConsent: false,
      consentType: 'Principal',
    });
    const send = evs.find((e) => e.operation === 'Send')!;
    expect(send).toMatchObject({ category: 'mail-send', object: 'Updated bank details' });
    expect(send.attrs.send).toMatchObject({ recipients: ['cfo@contoso.com'], internetMessageId: '<send1@contoso.com>' });
    const uir = evs.find((e) => e.operation === 'UpdateInboxRules')!;
    expect(uir).toMatchObject({ category: 'forwarding' });
    expect(uir.attrs.rule).toMatchObject({
      operation: 'create',
      actions: { forwardTo: ['exfil@evil.example'], stopProcessingRules: true },
      conditions: { raw: '{(SubString IgnoreCase(SubjectProperty)=payment)}' },
    });
    expect(evs.find((e) => e.operation === 'SearchQueryInitiatedExchange')).toMatchObject({
      category: 'search',
      attrs: { search: { query: 'wire transfer' } },
    });
    // The full-text index covers the import.
    expect(t.session.db.prepare(`SELECT rowid FROM events_fts WHERE events_fts MATCH '"RSS Feeds"'`).all()).toEqual([{ rowid: rule.id }]);
    // The duplicate row is a sighting of the first one.
    const sightings = t.session.db.prepare('SELECT event_id, record_index FROM event_sightings').all();
    expect(sightings).toEqual([{ event_id: rule.id, record_index: 10 }]);
  });

  it('Purview classic layout: US-locale CreationDate only when AuditData has no CreationTime', async () => {
    const t = fresh();
    await importPaths(t.session, [join(FIXTURES, 'purview-csv/classic-layout.csv')]);
    const times = events(t.session.db).map((e) => e.tsUs);
    expect(times).toEqual([
      Date.UTC(2026, 0, 24, 6, 39, 0) * 1000,
      Date.UTC(2026, 0, 24, 6, 40, 1) * 1000,
      Date.UTC(2026, 0, 24, 19, 40, 1) * 1000,
    ]);
  });

  it('decodes UTF-16 (PowerShell) and Windows-1252 (Excel) exports', async () => {
    const t = fresh();
    await importPaths(t.session, [join(FIXTURES, 'purview-csv/utf16le.csv'), join(FIXTURES, 'purview-csv/windows-1252.csv')]);
    expect(objects(t)).toEqual(['Updated bank details', 'Überweisung für Müller']);
    expect(journaledEncodings(t)).toEqual(['utf-16le with BOM', 'windows-1252']);
  });

  it('keeps a UTF-8 export with one damaged byte UTF-8: the record holding it is quarantined, the others read right', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [join(FIXTURES, 'purview-csv/utf8-stray-byte.csv')]);
    expect(r).toMatchObject({ read: 3, imported: 2, quarantined: 1 });
    expect(objects(t)).toEqual(['Überweisung für Müller', '請求書 – Rechnung']);
    expect(journaledEncodings(t)).toEqual(['utf-8']);
  });

  it('older Entra sign-in CSV: 24-hour dates that all read both ways import in the order the examiner gives, on either path', async () => {
    for (const parseThread of [false, true]) {
      const t = fresh();
      const file = join(FIXTURES, 'entra-signin-csv/older-layout-24h.csv');
      const first = await importPaths(t.session, [file], { parseThread });
      expect(first).toMatchObject({ read: 2, imported: 0, quarantined: 2 });
      // The same bytes again, with the order: the rows import and their quarantine entries go.
      const again = await importPaths(t.session, [file], { parseThread, dateOrder: 'day/month' });
      expect(again).toMatchObject({ read: 2, imported: 2, quarantined: 0 });
      expect(listQuarantine(t.session.db, {}).total).toBe(0);
      expect(events(t.session.db).map((e) => [new Date(e.tsUs / 1000).toISOString(), e.attrs.timeReading?.note ?? null])).toEqual([
        ['2026-03-05T14:22:01.000Z', 'read day/month, the order the examiner gave for this import (--date-order)'],
        ['2026-03-06T09:02:45.000Z', 'read day/month, the order the examiner gave for this import (--date-order)'],
      ]);
      expect(
        t.session.journal
          .list(0, 100)
          .filter((e) => e.action === 'import.evidence')
          .map((e) => e.details['date_order_given']),
      ).toEqual([undefined, 'day/month']);
      const us = fresh();
      await importPaths(us.session, [file], { parseThread, dateOrder: 'month/day' });
      const before = events(us.session.db);
      expect(before.map((e) => new Date(e.tsUs / 1000).toISOString())).toEqual(['2026-05-03T14:22:01.000Z', '2026-06-03T09:02:45.000Z']);
      // Read again the other way: the same events (ids kept) take the new reading, journaled as replacements.
      const reread = await importPaths(us.session, [file], { parseThread, dateOrder: 'day/month' });
      expect(reread).toMatchObject({ read: 2, imported: 0, duplicates: 2, upgraded: 2 });
      const after = events(us.session.db);
      expect(after.map((e) => [e.id, new Date(e.tsUs / 1000).toISOString()])).toEqual([
        [before[0]!.id, '2026-03-05T14:22:01.000Z'],
        [before[1]!.id, '2026-03-06T09:02:45.000Z'],
      ]);
      expect(custody(us.session, 'import.evidence').at(-1)).toMatchObject({
        date_order_given: 'day/month',
        upgraded: 2,
        upgraded_events: [
          { event_id: before[0]!.id, replaced_evidence_id: after[0]!.evidenceId, reason: 'date order' },
          { event_id: before[1]!.id, reason: 'date order' },
        ],
      });
      expect(us.session.db.prepare('SELECT count(*) FROM event_sightings').pluck(true).get()).toBe(0);
      // The same order again, or none, changes nothing: without it the dates cannot be read, but the
      // case holds these records, read from the same bytes before, so they are duplicates, not quarantined.
      expect(await importPaths(us.session, [file], { parseThread, dateOrder: 'day/month' })).toMatchObject({ duplicates: 2 });
      const plain = await importPaths(us.session, [file], { parseThread });
      expect(plain).toMatchObject({ read: 2, duplicates: 2, quarantined: 0 });
      expect(plain.upgraded).toBeUndefined();
      expect(listQuarantine(us.session.db, {}).total).toBe(0);
      expect(events(us.session.db).map((e) => e.tsUs)).toEqual(after.map((e) => e.tsUs));
    }
  });

  it("older Entra sign-in CSV: locale dates read in the order the file's other dates show, on either path", async () => {
    for (const parseThread of [false, true]) {
      const t = fresh();
      await importPaths(t.session, [join(FIXTURES, 'entra-signin-csv/older-layout-day-first.csv')], { parseThread });
      // `13/03/2026` can only be day/month: `12/03/2026` and `5/03/2026` are March, not December and May.
      expect(events(t.session.db).map((e) => [new Date(e.tsUs / 1000).toISOString(), e.attrs.timeReading?.note ?? null])).toEqual([
        ['2026-03-05T23:02:45.000Z', "read day/month, as the file's date on line 4 can only be"],
        ['2026-03-12T07:22:01.000Z', "read day/month, as the file's date on line 4 can only be"],
        ['2026-03-13T09:15:00.000Z', null],
      ]);
      const mixed = fresh();
      await importPaths(mixed.session, [join(FIXTURES, 'entra-signin-csv/older-layout.csv')], { parseThread });
      expect(events(mixed.session.db).map((e) => new Date(e.tsUs / 1000).toISOString())).toEqual([
        '2026-01-24T06:40:01.000Z',
        '2026-01-24T18:40:00.000Z',
      ]);
      expect(listQuarantine(mixed.session.db, { limit: 10 }).items.map((q) => [q.location, q.reason])).toEqual([
        [
          'line 4',
          'date "3/4/2026 14:54" reads both ways, and the file holds dates in both orders (day/month on line 3, month/day on line 2)',
        ],
      ]);
    }
  });

  it('Entra sign-in CSV: stray spaces, double space and a repeated column in the header', async () => {
    const t = fresh();
    await importPaths(t.session, [join(FIXTURES, 'entra-signin-csv/InteractiveSignIns_2026-01-24.csv')]);
    const [failed, ok] = events(t.session.db);
    expect(ok).toMatchObject({
      source: 'signin',
      recordKey: 'signin:e0a1b2c3-0000-4000-8000-000000000001',
      actor: 'ceo@contoso.com',
      appId: '29d9ed98-a469-4536-ade2-f981bc1d605e',
      sessionId: '9dfdecb6-59a0-4714-846e-86c0fc911104',
      tokenId: 'uti-1',
      clientApp: 'Mobile Apps and Desktop clients',
      result: 'success',
    });
    expect(ok!.attrs.signin).toMatchObject({
      authenticationProtocol: 'deviceCode',
      authenticationRequirement: 'singleFactorAuthentication',
      location: { city: 'Moscow', countryOrRegion: 'RU' },
    });
    expect(ok!.attrs.fields).toMatchObject({ autonomousSystemNumber: '12345', originalTransferMethod: 'deviceCodeFlow' });
    // Columns after the repeated `Incoming token type` are still read in their place.
    expect(ok!.attrs.signin?.conditionalAccessStatus).toBe('notApplied');
    expect(failed).toMatchObject({ clientIp: '2001:db8::7', result: 'failure', clientApp: 'IMAP4' });
    expect(failed!.attrs.signin?.errorCode).toBe(50126);
  });

  it('Graph audit records: OData annotations stripped, Graph and UAL ids dedupe across sources', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [join(FIXTURES, 'graph-audit-records/page.json'), join(FIXTURES, 'ual-json/content-blob.json')]);
    expect(r.files.map((f) => [f.imported, f.duplicates])).toEqual([
      [3, 0],
      [1, 3],
    ]);
    const login = events(t.session.db).find((e) => e.operation === 'UserLoggedIn')!;
    expect(login).toMatchObject({ recordType: 'AzureActiveDirectoryStsLogon', clientIp: '185.73.124.135' });
    expect(Object.keys(login.attrs.fields ?? {}).some((k) => k.includes('@odata'))).toBe(false);
    expect(t.session.db.prepare('SELECT count(*) AS n FROM event_sightings').get()).toEqual({ n: 3 });
  });

  it('Azure Monitor: categories map to sign-in types and families; the envelope time is not the event time', async () => {
    const t = fresh();
    await importPaths(t.session, [join(FIXTURES, 'azure-monitor-entra/eventhub.json')]);
    const evs = events(t.session.db);
    expect(evs.map((e) => [e.source, e.recordType, e.category])).toEqual([
      ['signin', 'interactiveUser', 'logon'],
      ['signin', 'nonInteractiveUser', 'logon'],
      ['directory-audit', 'ApplicationManagement', 'consent'],
      ['signin', 'servicePrincipal', 'logon'],
      ['signin', 'managedIdentity', 'logon'],
      ['directory-audit', 'MicrosoftGraphActivityLogs', 'mail-read'],
      ['directory-audit', 'UserRiskEvents', 'other'],
    ]);
    // properties.createdDateTime, not the envelope `time` written minutes later.
    expect(evs[1]!.tsUs).toBe(Date.UTC(2026, 0, 24, 6, 40, 30) * 1000 + 500000);
    expect(evs[6]!.tsUs).toBe(Date.UTC(2026, 0, 24, 7, 30, 0) * 1000);
  });

  it('Activities: Name/Value and Python-dict CustomProperties, the mailbox from the import, client session ids', async () => {
    const t = fresh();
    await importPaths(
      t.session,
      [join(FIXTURES, 'activities-json/ceo-activities.json'), join(FIXTURES, 'activities-csv/retriever-ceo.csv')],
      { mailbox: 'CEO@contoso.com' },
    );
    const evs = events(t.session.db);
    const logon = evs.find((e) => e.operation === 'ServerLogon' && e.recordKey?.startsWith('activity:AAMk'))!;
    expect(logon).toMatchObject({
      category: 'logon',
      mailbox: 'ceo@contoso.com',
      clientIp: '185.73.124.135',
      clientApp: 'Web',
      sessionId: '6b1b0ae1-0000-4000-8000-000000000001',
    });
    const read = evs.filter((e) => e.operation === 'ReadingPaneDisplayStart');
    expect(read.map((e) => e.object).sort()).toEqual(["CEO's wire instructions", 'Wire instructions']);
    expect(evs.find((e) => e.operation === 'SearchResult')?.attrs.search).toEqual({ query: 'invoice' });
    expect(evs.find((e) => e.operation === 'SearchSuggestionsDisplay')?.attrs.search).toEqual({ query: 'invo' });
    expect(evs.find((e) => e.operation === 'MessageDelivered')).toMatchObject({
      actor: null,
      attrs: { fields: { ReceivedTimeUs: Date.UTC(2018, 5, 15, 9, 14, 59) * 1000 } },
    });
  });

  it('Mailbox state: rules, settings and grants at the acquisition time, the mailbox from @odata.context', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [
      join(FIXTURES, 'graph-message-rules/ceo-messagerules.json'),
      join(FIXTURES, 'graph-mailbox-settings/ceo-mailboxsettings.json'),
      join(FIXTURES, 'graph-oauth2-grants/grants.json'),
      join(FIXTURES, 'inbox-rules-powershell/ceo-inboxrules.json'),
    ]);
    const evs = events(t.session.db);
    const acquired = new Set(r.files.map((f) => t.session.evidence.get(f.evidenceId!).acquiredAtUs));
    for (const e of evs) expect(acquired.has(e.tsUs)).toBe(true);
    const graphRules = evs.filter((e) => e.recordType === 'messageRule');
    expect(graphRules.map((e) => [e.mailbox, e.category, e.summary])).toEqual([
      [
        'ceo@contoso.com',
        'rule-change',
        'Inbox rule "." on ceo@contoso.com: move to AAMkAGI2TGuLAAA=, mark as read, stop processing rules, when subject contains "invoice" or "payment"',
      ],
      [
        'ceo@contoso.com',
        'forwarding',
        'Inbox rule "fw" on ceo@contoso.com: forward to exfil@evil.example, redirect to r@evil.example (no conditions: every message)',
      ],
    ]);
    const ps = evs.filter((e) => e.recordType === 'Get-InboxRule');
    expect(ps.map((e) => [e.mailbox, e.attrs.rule?.enabled, e.attrs.rule?.actions])).toEqual([
      ['ceo@contoso.com', true, { moveToFolder: 'ceo:\\RSS Feeds', delete: false, markAsRead: true, stopProcessingRules: true }],
      ['ceo@contoso.com', false, { delete: false, forwardTo: ['exfil@evil.example'] }],
    ]);
    expect(evs.find((e) => e.operation === 'MailboxSettings')).toMatchObject({ mailbox: 'ceo@contoso.com', object: 'alwaysEnabled' });
    expect(evs.filter((e) => e.operation === 'OAuth2PermissionGrant').map((e) => e.attrs.consent)).toEqual([
      {
        appId: '5a95e683-08ad-424e-a441-1d1aec52c02c',
        appName: null,
        scopes: ['Mail.ReadWrite', 'Mail.Send', 'offline_access'],
        isAdminConsent: true,
        consentType: 'AllPrincipals',
      },
      { appId: '6b95e683', appName: null, scopes: ['User.Read'], isAdminConsent: false, consentType: 'Principal' },
    ]);
  });

  it('Sentinel OfficeActivity rows and the msticpy-style CSV projection', async () => {
    const t = fresh();
    await importPaths(t.session, [
      join(FIXTURES, 'ual-json/sentinel-officeactivity.jsonl'),
      join(FIXTURES, 'office-activity-csv/officeactivity.csv'),
    ]);
    const evs = events(t.session.db);
    expect(evs.find((e) => e.operation === 'MailItemsAccessed')).toMatchObject({
      recordKey: 'ual:699e0b10-1c53-403e-976f-ce0847a92b44',
      clientIp: '203.0.113.9',
      attrs: { mailAccess: { accessType: 'Bind', messageIds: ['<x1@contoso.com>'] } },
    });
    const fwd = evs.find((e) => e.operation === 'Set-Mailbox')!;
    expect(fwd).toMatchObject({ clientIp: '2603:1036:302:4091::5', category: 'forwarding', mailbox: 'ceo@contoso.com' });
    expect(fwd.attrs.fields).toMatchObject({ Identity: 'ceo@contoso.com', PolicyDetails: { Version: 0, State: 'Disabled' } });
    expect(fwd.recordKey).toMatch(/^ual:h:[0-9a-f]{32}$/);
  });

  it('PowerShell exports: #TYPE line, enum names, /Date()/ and UTF-16', async () => {
    const t = fresh();
    await importPaths(t.session, [
      join(FIXTURES, 'ual-powershell-csv/search-unifiedauditlog.csv'),
      join(FIXTURES, 'ual-powershell-json/search-unifiedauditlog.json'),
    ]);
    expect(events(t.session.db).map((e) => e.operation)).toEqual([
      'UserLoginFailed',
      'UserLoggedIn',
      'Consent to application.',
      'New-InboxRule',
      'Set-Mailbox',
      'MailItemsAccessed',
    ]);
  });
});

describe('reference data of an acquisition', () => {
  it('is stored as evidence with a note and journaled, not reported as a failure', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [join(FIXTURES, 'graph-reference')]);
    expect(r.files.map((f) => [f.path.split(/[\\/]/).pop(), f.format, f.error, f.note])).toEqual([
      ['mailFolders.json', null, undefined, 'Microsoft Graph mailFolders: reference data, kept as evidence (no events)'],
      ['servicePrincipals.json', null, undefined, 'Microsoft Graph servicePrincipals: reference data, kept as evidence (no events)'],
    ]);
    for (const f of r.files) expect(t.session.evidence.get(f.evidenceId!).sha256).toBe(f.sha256);
    const journal = t.session.db
      .prepare(`SELECT details FROM custody WHERE action = 'import.reference' ORDER BY seq`)
      .pluck()
      .all() as string[];
    expect(journal.map((d) => (JSON.parse(d) as { kind: string }).kind)).toEqual([
      'Microsoft Graph mailFolders',
      'Microsoft Graph servicePrincipals',
    ]);
  });

  it('a Management Activity API content list (the blobs a pull saw) is reference data too', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [join(FIXTURES, 'mgmt-api-reference/content-list.json')]);
    expect(r.files.map((f) => [f.format, f.error, f.note])).toEqual([
      [null, undefined, 'Office 365 Management Activity API content list or notification: reference data, kept as evidence (no events)'],
    ]);
  });

  it('JSON of an unknown kind fails with the keys of its first record, so the examiner can tell what it is', async () => {
    const t = fresh();
    const dir = mkdtempSync(join(tmpdir(), 'mt-unknown-'));
    try {
      const file = join(dir, 'parser-test.json');
      writeFileSync(file, JSON.stringify([{ input: { message: '{}' }, expected: {} }]));
      const wide = join(dir, 'wide.jsonl');
      writeFileSync(wide, JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]))) + '\n');
      const odd = join(dir, 'odd.jsonl');
      writeFileSync(odd, `${JSON.stringify({})}\n`);
      const long = join(dir, 'long.jsonl');
      writeFileSync(long, `${JSON.stringify({ [`line\nbreak${'x'.repeat(60)}`]: 1 })}\n`);
      const r = await importPaths(t.session, [file, wide, odd, long]);
      expect(r.files.map((f) => f.error)).toEqual([
        'JSON records of an unknown kind; the first has the keys input, expected',
        'JSON records of an unknown kind; the first has the keys k0, k1, k2, k3, k4, k5, k6, k7, … (10 keys)',
        'JSON records of an unknown kind; the first has the keys none (an empty object)',
        `JSON records of an unknown kind; the first has the keys line\\nbreak${'x'.repeat(29)}…`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Defender advanced-hunting rows without RawEventData', () => {
  it('reads CloudAppEvents rows from their columns and quarantines an identity table row', async () => {
    const t = fresh();
    const r = await importPaths(t.session, [join(FIXTURES, 'ual-json/defender-cloudappevents-projected.jsonl')]);
    expect(r).toMatchObject({ read: 3, imported: 2, quarantined: 1 });
    const [rule, read] = events(t.session.db);
    expect(rule).toMatchObject({
      operation: 'New-InboxRule',
      category: 'rule-change',
      actor: 'ceo@contoso.com',
      mailbox: 'ceo@contoso.com',
      clientIp: '185.73.124.135',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      recordKey: 'defender-cloudapp:a1b2c3d4-0001-4e5f-8a9b-000000000001',
      summary: 'New-InboxRule "." on ceo@contoso.com [Defender columns, no RawEventData]',
    });
    expect(rule!.attrs.fields?.['defenderColumns']).toMatchObject({ ActivityType: 'Create', ObjectType: 'Inbox rule' });
    // No folders or items in the columns: the summary does not claim "0 items".
    expect(read).toMatchObject({ category: 'mail-read', object: 'Inbox', actor: '4d6c0a3e-7f61-4f0e-9a43-0c1c1b2f6a11' });
    expect(read!.summary).toBe(
      'MailItemsAccessed by 4d6c0a3e-7f61-4f0e-9a43-0c1c1b2f6a11 on Inbox from 185.73.124.135 [Defender columns, no RawEventData]',
    );
    expect(listQuarantine(t.session.db, {}).items.map((i) => i.reason)).toEqual([
      'Defender advanced-hunting row (ActionType "LdapSearch") without RawEventData: not a Microsoft 365 audit record',
    ]);
  });
});
