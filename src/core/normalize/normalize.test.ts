import { describe, expect, it } from 'vitest';
import { classifyJson, normalizeJsonRecord, normalizePowerShellUal } from '../ingest/json-records';
import { normalizeActivity } from './activities';
import { normalizeAzureMonitor } from './azure-monitor';
import { linkable, type NormalizeContext } from './event';
import { canonicalIp } from './ip';
import { parsePythonLiteral } from './python-literal';
import { describeRule, ruleFromParameters, ruleSummary } from './rules';
import { fromSigninLogsRow, normalizeSignin } from './signin';
import { parseDotNetDateUs, parseIsoUs, parseUsDateUs } from './time';
import { fromOfficeActivity, normalizeUal } from './ual';
import { recordTypeName } from './ual/record-types';
import { bool, decodeJsonString, nameValues, normalizeResult, psHashtable, trimKeys } from './values';

const ctx = (raw = '{}'): NormalizeContext => ({ raw, mailbox: null, observedAtUs: 0 });

describe('time', () => {
  it('reads UAL CreationTime without a zone as UTC and Graph 7-digit fractions to the microsecond', () => {
    expect(parseIsoUs('2023-09-20T04:05:03')).toBe(Date.UTC(2023, 8, 20, 4, 5, 3) * 1000);
    expect(parseIsoUs('2026-01-24T06:54:24.0000000Z ')).toBe(Date.UTC(2026, 0, 24, 6, 54, 24) * 1000);
    expect(parseIsoUs('2026-07-17T13:48:10.9301252Z')).toBe(Date.UTC(2026, 6, 17, 13, 48, 10) * 1000 + 930125);
    expect(parseIsoUs('2026-07-16T15:31:34.1881867+00:00')).toBe(Date.UTC(2026, 6, 16, 15, 31, 34) * 1000 + 188186);
    expect(parseIsoUs('2026-01-01T02:00:00+02:00')).toBe(Date.UTC(2026, 0, 1) * 1000);
    expect(parseIsoUs('2026-01-01T00:00:00-0130')).toBe(Date.UTC(2026, 0, 1, 1, 30) * 1000);
    expect(parseIsoUs('2023-07-26 23:00:20.889')).toBe(Date.UTC(2023, 6, 26, 23, 0, 20) * 1000 + 889000);
    // One hour digit, as some Entra risk detections are written: unambiguous, so read.
    expect(parseIsoUs('2023-10-26T5:32:08.107Z')).toBe(Date.UTC(2023, 9, 26, 5, 32, 8) * 1000 + 107000);
    expect(parseIsoUs('2023-10-26T5:3')).toBeNull();
  });

  it('reads years before 100 as written (.NET DateTime.MinValue is year 1, not 1901) and the far end of the range', () => {
    expect(parseIsoUs('0001-01-01T00:00:00')).toBe(-62_135_596_800_000_000);
    expect(new Date(parseIsoUs('0001-01-01T00:00:00')! / 1000).toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(new Date(parseIsoUs('0099-12-31T23:59:59.5Z')! / 1000).toISOString()).toBe('0099-12-31T23:59:59.500Z');
    expect(new Date(parseIsoUs('0004-02-29T12:00:00+01:00')! / 1000).toISOString()).toBe('0004-02-29T11:00:00.000Z');
    expect(parseIsoUs('0100-03-01T00:00:00')).toBe(Date.UTC(100, 2, 1) * 1000);
    // Beyond ±2^53 µs (before 1685, after 2255) a double holds µs to within a few: whole seconds stay exact.
    expect(new Date(parseIsoUs('9999-12-31T23:59:59')! / 1000).toISOString()).toBe('9999-12-31T23:59:59.000Z');
  });

  it('refuses what is not an ISO time instead of guessing', () => {
    for (const bad of [
      '9/20/2023 4:05:03 AM',
      '2023-02-30T00:00:00',
      '2023-13-01',
      '20.09.2023 04:05',
      '2023-09-20T04:05:03Q',
      '',
      'now',
    ]) {
      expect(parseIsoUs(bad), bad).toBeNull();
    }
  });

  it('reads US-locale text only where a format uses it, and refuses day-first text', () => {
    expect(parseUsDateUs('9/20/2023 4:05:03 AM')).toBe(Date.UTC(2023, 8, 20, 4, 5, 3) * 1000);
    expect(parseUsDateUs('3/24/2022 2:42:35 PM')).toBe(Date.UTC(2022, 2, 24, 14, 42, 35) * 1000);
    expect(parseUsDateUs('12/31/2025 12:00:00 AM')).toBe(Date.UTC(2025, 11, 31, 0, 0, 0) * 1000);
    expect(parseUsDateUs('24/01/2026 18:40')).toBeNull();
    // The clock as luxon read it before (checked on 411,840 combinations): 12 PM is noon, 24:00 the next midnight.
    expect(parseUsDateUs('2/29/2024 12:30 PM')).toBe(Date.UTC(2024, 1, 29, 12, 30) * 1000);
    expect(parseUsDateUs('2/28/2025 24:00')).toBe(Date.UTC(2025, 2, 1) * 1000);
    for (const bad of ['2/29/2025 1:00 PM', '4/31/2026 1:00', '1/1/2026 24:01', '1/1/2026 1:60', '13/1/2026 1:00 AM'])
      expect(parseUsDateUs(bad), bad).toBeNull();
  });

  it('reads .NET JSON dates from Windows PowerShell', () => {
    expect(parseDotNetDateUs('/Date(1695182703000)/')).toBe(1695182703000 * 1000);
    expect(parseDotNetDateUs('\\/Date(1695182703000+0200)\\/')).toBe(1695182703000 * 1000);
  });

  it('is independent of the process time zone', () => {
    const before = process.env['TZ'];
    process.env['TZ'] = 'Pacific/Kiritimati';
    try {
      expect(parseIsoUs('2023-09-20T04:05:03')).toBe(Date.UTC(2023, 8, 20, 4, 5, 3) * 1000);
      expect(parseUsDateUs('9/20/2023 4:05:03 AM')).toBe(Date.UTC(2023, 8, 20, 4, 5, 3) * 1000);
    } finally {
      if (before === undefined) delete process.env['TZ'];
      else process.env['TZ'] = before;
    }
  });
});

describe('linkable identifiers', () => {
  it('drops the nil GUID Microsoft writes where a record has no session, and keeps real ids verbatim', () => {
    expect(linkable('00000000-0000-0000-0000-000000000000')).toBeNull();
    expect(linkable('{00000000-0000-0000-0000-000000000000}')).toBeNull();
    expect(linkable('  ')).toBeNull();
    expect(linkable(undefined)).toBeNull();
    expect(linkable('004e5c1a-0000-4d2b-a7c3-000000000000')).toBe('004e5c1a-0000-4d2b-a7c3-000000000000');
    expect(linkable('exo-session')).toBe('exo-session');
    // A token id of 16 zero bytes, as base64, is the same placeholder.
    expect(linkable('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(linkable('AAAAAAAAAAAAAAAAAAAAAA==')).toBeNull();
    expect(linkable('JgW9XEOQM0WNakyHMghCAA')).toBe('JgW9XEOQM0WNakyHMghCAA');
  });
});

describe('canonicalIp', () => {
  it('strips ports and brackets and compresses IPv6', () => {
    expect(canonicalIp('185.73.124.135:19823')).toBe('185.73.124.135');
    expect(canonicalIp('[2603:1036:302:4091::5]:51902')).toBe('2603:1036:302:4091::5');
    expect(canonicalIp('2001:0DB8:0000:0000:0000:0000:0000:0042')).toBe('2001:db8::42');
    expect(canonicalIp('FE80::')).toBe('fe80::');
    expect(canonicalIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(canonicalIp(' 1.2.3.4 ')).toBe('1.2.3.4');
  });

  it('gives the same answer for an address seen again with another port or spelling (cached by address)', () => {
    for (let port = 40000; port < 40005; port++) expect(canonicalIp(`146.70.53.21:${port}`)).toBe('146.70.53.21');
    expect(canonicalIp('146.70.53.21')).toBe('146.70.53.21');
    expect(canonicalIp('[::ffff:10.1.2.3]:443')).toBe('10.1.2.3');
    expect(canonicalIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(canonicalIp('[2603:1036:302:4091::5]:1')).toBe('2603:1036:302:4091::5');
    expect(canonicalIp('2603:1036:302:4091:0:0:0:5')).toBe('2603:1036:302:4091::5');
    expect(canonicalIp('abc:12')).toBeNull();
    expect(canonicalIp('[2603:1036:302:4091::5')).toBeNull();
  });

  it('returns null for placeholders and junk', () => {
    for (const bad of ['<null>', 'Not Available', '', '1.2.3', '999.1.1.1', 'abc', null, 42])
      expect(canonicalIp(bad), String(bad)).toBeNull();
  });
});

describe('values', () => {
  it('reads string booleans and result vocabularies', () => {
    expect([bool('True'), bool('false'), bool(' TRUE '), bool(true), bool('maybe')]).toEqual([true, false, true, true, null]);
    expect(
      ['Succeeded', 'Success', 'True', 'success', 'Successful', 'Failed', 'False', 'failure', 'PartiallySucceeded', 'Redirect'].map(
        normalizeResult,
      ),
    ).toEqual(['success', 'success', 'success', 'success', 'success', 'failure', 'failure', 'failure', 'partial', 'redirect']);
  });

  it('flattens Name/Value arrays, decoding JSON-in-strings and keeping repeated names', () => {
    expect(
      nameValues([
        { Name: ' additionalDetails ', Value: '{"AppId":"x"}' },
        { Name: 'A', Value: '1' },
        { Name: 'A', Value: '2' },
        { Name: 'A', Value: '3' },
        { Name: 'RuleName' },
      ]),
    ).toEqual({ additionalDetails: { AppId: 'x' }, A: ['1', '2', '3'], RuleName: null });
    expect(nameValues('[{"Name":"MailAccessType","Value":"Bind"}]')).toEqual({ MailAccessType: 'Bind' });
    expect(nameValues(['@{Value=Bind; Name=MailAccessType}', '@{Value=False; Name=IsThrottled}'])).toEqual({
      MailAccessType: 'Bind',
      IsThrottled: 'False',
    });
    expect(psHashtable('not a hashtable')).toBeNull();
  });

  it('trims keys with stray whitespace and decodes JSON only when it is JSON', () => {
    expect(trimKeys({ 'ExternalAccess ': false, Id: 'x' })).toEqual({ ExternalAccess: false, Id: 'x' });
    expect(decodeJsonString('[\r\n  true\r\n]')).toEqual([true]);
    expect(decodeJsonString('{broken')).toBe('{broken');
    expect(decodeJsonString('plain')).toBe('plain');
  });
});

describe('python literal (CrowdStrike retriever CustomProperties)', () => {
  it('reads dict reprs with both quote styles, escapes, True/False/None', () => {
    expect(
      parsePythonLiteral(
        `{'UserName': 'CONTOSO\\\\ceo', 'Subject': "CEO's wire", 'n': 3, 'ok': True, 'x': None, 'l': [1, 'a'], 't': (1,)}`,
      ),
    ).toEqual({
      UserName: 'CONTOSO\\ceo',
      Subject: "CEO's wire",
      n: 3,
      ok: true,
      x: null,
      l: [1, 'a'],
      t: [1],
    });
    expect(() => parsePythonLiteral("{'a': 'unterminated")).toThrow(/unterminated/);
    expect(() => parsePythonLiteral("{'a': __import__('os')}")).toThrow();
  });
});

describe('inbox rules', () => {
  it('summarises a New-InboxRule as in the issue', () => {
    const rule = ruleFromParameters(
      'create',
      nameValues([
        { Name: 'MoveToFolder', Value: 'RSS Feeds' },
        { Name: 'Name', Value: '.' },
        { Name: 'SubjectContainsWords', Value: 'invoice' },
        { Name: 'MarkAsRead', Value: 'True' },
      ]),
    );
    expect(ruleSummary('New-InboxRule', rule, 'ceo@contoso.com')).toBe(
      'New-InboxRule "." on ceo@contoso.com: move to RSS Feeds, mark as read, when subject contains "invoice"',
    );
  });

  it('recognises forwarding and rules without conditions', () => {
    const rule = ruleFromParameters('create', { ForwardTo: '"Evil" [SMTP:Evil@X.example];b@y.example', DeleteMessage: 'True' });
    expect(rule.actions).toEqual({ delete: true, forwardTo: ['evil@x.example', 'b@y.example'] });
    expect(describeRule(rule)).toBe('delete, forward to evil@x.example, b@y.example (no conditions: every message)');
  });
});

describe('UAL normalization', () => {
  it('maps a New-InboxRule record with a port on ClientIP, a trailing-space key and "True" result', () => {
    const ev = normalizeUal(
      {
        CreationTime: '2023-09-26T01:56:15',
        Id: '85D29E27-be28-4f2c-96c8-08dbbe33c473',
        Operation: 'New-InboxRule',
        RecordType: 1,
        ResultStatus: 'True',
        Workload: 'Exchange',
        ClientIP: '185.73.124.135:19823',
        ObjectId: 'NAMPR10A011.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/x/f757cb79\\.',
        UserId: 'CEO@Contoso.com',
        'ExternalAccess ': false,
        Parameters: [
          { Name: 'MoveToFolder', Value: 'RSS Feeds' },
          { Name: 'Name', Value: '.' },
          { Name: 'SubjectContainsWords', Value: 'invoice' },
          { Name: 'MarkAsRead', Value: 'True' },
        ],
        AppAccessContext: { UniqueTokenId: 'uti', AADSessionId: 'aad-session' },
        SessionId: 'exo-session',
      },
      ctx(),
    );
    expect(ev).toMatchObject({
      tsUs: Date.UTC(2023, 8, 26, 1, 56, 15) * 1000,
      source: 'ual',
      recordType: 'ExchangeAdmin',
      operation: 'New-InboxRule',
      category: 'rule-change',
      actor: 'ceo@contoso.com',
      mailbox: 'ceo@contoso.com',
      clientIp: '185.73.124.135',
      result: 'success',
      object: '.',
      sessionId: 'exo-session',
      tokenId: 'uti',
      recordKey: 'ual:85d29e27-be28-4f2c-96c8-08dbbe33c473',
      summary: 'New-InboxRule "." on ceo@contoso.com: move to RSS Feeds, mark as read, when subject contains "invoice"',
    });
    expect(ev.attrs.fields?.['ExternalAccess']).toBe(false);
  });

  it('summarises MailItemsAccessed Sync as in the issue', () => {
    const ev = normalizeUal(
      {
        CreationTime: '2026-01-24T07:01:00',
        Id: 'x',
        Operation: 'MailItemsAccessed',
        RecordType: 50,
        ClientIPAddress: '185.73.124.135',
        MailboxOwnerUPN: 'ceo@contoso.com',
        UserId: 'ceo@contoso.com',
        OperationProperties: [
          { Name: 'MailAccessType', Value: 'Sync' },
          { Name: 'IsThrottled', Value: 'False' },
        ],
        Folders: [{ Path: '\\Inbox' }],
        OperationCount: 532,
      },
      ctx(),
    );
    expect(ev.summary).toBe('MailItemsAccessed Sync of Inbox (532 items) from 185.73.124.135');
    expect(ev.category).toBe('mail-read');
    expect(ev.attrs.mailAccess).toEqual({
      accessType: 'Sync',
      throttled: false,
      operationCount: 532,
      folders: [{ path: 'Inbox', itemCount: 0 }],
      messageIds: [],
    });
  });

  it('treats a UserLoginFailed with ResultStatus Success as a failure and keeps the AADSTS code', () => {
    const ev = normalizeUal(
      {
        CreationTime: '2026-01-24T06:39:00',
        Id: 'f',
        Operation: 'UserLoginFailed',
        RecordType: 15,
        ResultStatus: 'Success',
        UserId: 'a@b.c',
        ErrorNumber: '50126',
        LogonError: 'InvalidUserNameOrPassword',
        ExtendedProperties: [{ Name: 'UserAgent', Value: 'BAV2ROPC' }],
      },
      ctx(),
    );
    expect(ev).toMatchObject({ category: 'logon', result: 'failure', userAgent: 'BAV2ROPC' });
    expect(ev.attrs.signin).toMatchObject({ errorCode: 50126, failureReason: 'InvalidUserNameOrPassword' });
  });

  it('says in the summary that a UserLoggedIn with a non-zero AADSTS code failed, as its result does', () => {
    const ev = normalizeUal(
      {
        CreationTime: '2023-09-20T04:05:03',
        Id: 'k',
        Operation: 'UserLoggedIn',
        RecordType: 15,
        ResultStatus: 'Success',
        UserId: 'debrab@x.com',
        ClientIP: '185.73.124.135',
        ErrorNumber: '50140',
        ExtendedProperties: [{ Name: 'ResultStatusDetail', Value: 'Success' }],
      },
      ctx(),
    );
    expect(ev).toMatchObject({ result: 'failure', summary: 'UserLoggedIn debrab@x.com from 185.73.124.135: failed (50140)' });
    const login = normalizeUal(
      {
        CreationTime: '2023-09-20T04:05:03',
        Id: 'l',
        Operation: 'PasswordLogonInitialAuthUsingPassword',
        RecordType: 15,
        ResultStatus: 'failed',
        UserId: 'a@x.com',
        ExtendedProperties: [{ Name: 'LoginError', Value: 'InvalidPassword' }],
      },
      ctx(),
    );
    expect(login.attrs.signin?.failureReason).toBe('InvalidPassword');
  });

  it("takes the calling client's app id (ClientAppId) over Graph's or Exchange's, and keeps the others", () => {
    const ev = normalizeUal(
      {
        CreationTime: '2021-08-02T13:40:00',
        Id: 'm',
        Operation: 'MailItemsAccessed',
        RecordType: 50,
        UserId: 'a@x.com',
        AppId: '00000003-0000-0000-c000-000000000000',
        ClientAppId: '5a95e683-64b1-4b4b-8c5c-8b3ac1ff2e23',
        // Exported by PowerShell without -Depth: each folder is a hashtable's text.
        Folders: ['@{Id=LgAAAAA; Path=\\Inbox; FolderItems=System.Object[]}'],
        OperationCount: 7,
        OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }],
      },
      ctx(),
    );
    expect(ev.appId).toBe('5a95e683-64b1-4b4b-8c5c-8b3ac1ff2e23');
    expect(ev.attrs.fields?.['AppId']).toBe('00000003-0000-0000-c000-000000000000');
    expect(ev.attrs.mailAccess?.folders).toEqual([{ path: 'Inbox', itemCount: 0 }]);
    expect(ev.summary).toBe('MailItemsAccessed Bind of Inbox (7 items)');
  });

  it('reads the mailbox, grantee and rights of a delegation, and leaves a rule on another alias without a mailbox', () => {
    const base = { CreationTime: '2026-01-24T06:39:00', RecordType: 1, UserId: 'admin@x.com', ResultStatus: 'True' };
    const perm = normalizeUal(
      {
        ...base,
        Id: 'p',
        Operation: 'Add-MailboxPermission',
        Parameters: [
          { Name: 'Identity', Value: 'CEO@x.com' },
          { Name: 'User', Value: 'Attacker@evil.example' },
          { Name: 'AccessRights', Value: 'FullAccess' },
        ],
      },
      ctx(),
    );
    expect(perm).toMatchObject({
      mailbox: 'ceo@x.com',
      summary: 'Add-MailboxPermission on ceo@x.com: FullAccess to attacker@evil.example by admin@x.com',
    });
    const folder = normalizeUal(
      {
        ...base,
        Id: 'f',
        Operation: 'Add-MailboxFolderPermission',
        Parameters: [
          { Name: 'Identity', Value: 'cfo@x.com:\\Inbox' },
          { Name: 'User', Value: 'helper@x.com' },
          { Name: 'AccessRights', Value: 'ReadItems' },
        ],
      },
      ctx(),
    );
    expect(folder.mailbox).toBe('cfo@x.com');
    const rule = (identity: string) =>
      normalizeUal({ ...base, Id: identity, Operation: 'Set-InboxRule', Parameters: [{ Name: 'Identity', Value: identity }] }, ctx())
        .mailbox;
    expect(rule('ceo\\17256')).toBeNull();
    expect(rule('admin\\17256')).toBe('admin@x.com');
    expect(rule('cfo@x.com\\17256')).toBe('cfo@x.com');
    expect(rule('My rule')).toBe('admin@x.com');
  });

  it("takes a Sentinel OfficeActivity row's OfficeObjectId as the object", () => {
    const row = {
      TimeGenerated: '2026-01-24T06:39:00Z',
      OfficeId: 'o-1',
      Operation: 'FileAccessed',
      UserId: 'a@b.c',
      OfficeObjectId: 'https://x/doc.docx',
    };
    expect(normalizeUal(fromOfficeActivity(row), ctx()).object).toBe('https://x/doc.docx');
  });

  it('reads an admin cmdlet row a Log Analytics projection left without RecordType or ObjectId by its Parameters', () => {
    const row = {
      TimeGenerated: '2020-03-26T22:40:33Z',
      UserId: '',
      ClientIP: '',
      Operation: 'Set-User',
      Parameters: '[{"Name":"Identity","Value":"contoso.onmicrosoft.com\\\\a2409f54"},{"Name":"ErrorAction","Value":"Stop"}]',
    };
    const ev = normalizeUal(fromOfficeActivity(row), ctx());
    expect(ev).toMatchObject({ category: 'admin', object: 'contoso.onmicrosoft.com\\a2409f54' });
    expect(ev.summary).toBe('Set-User on contoso.onmicrosoft.com\\a2409f54');
    // Not every hyphenated operation is a cmdlet, and a record type that says otherwise wins.
    const op = (Operation: string, extra: object = {}) =>
      normalizeUal({ CreationTime: '2026-01-01T00:00:00', Operation, Parameters: [{ Name: 'Identity', Value: 'x' }], ...extra }, ctx())
        .category;
    expect(op('Set-Mailbox')).toBe('admin');
    expect(op('Set-Mailbox', { RecordType: 'ExchangeItem' })).toBe('other');
    expect(normalizeUal({ CreationTime: '2026-01-01T00:00:00', Operation: 'Set-Mailbox' }, ctx()).category).toBe('other');
    expect(op('COMPLIANCEMANAGER-SCORECHANGE', { Parameters: undefined })).toBe('other');
  });

  it('quarantines records without operation or time', () => {
    expect(() => normalizeUal({ Id: 'x', CreationTime: '2026-01-01T00:00:00' }, ctx())).toThrow(/Operation/);
    expect(() => normalizeUal({ Id: 'x', Operation: 'Send', CreationTime: '24.01.2026' }, ctx())).toThrow(/ISO 8601/);
  });

  it("takes a wrapper's record type name over a number the table does not name, not over one it does", () => {
    const rec = (RecordType: number) => ({ CreationTime: '2026-07-16T20:46:00Z', Id: 'x', Operation: 'AuditSearchCompleted', RecordType });
    expect(normalizeUal(rec(295), ctx(), { recordType: 'AuditSearch' }).recordType).toBe('AuditSearch');
    expect(normalizeUal(rec(295), ctx()).recordType).toBe('RecordType 295');
    expect(normalizeUal(rec(15), ctx(), { recordType: 'somethingElse' }).recordType).toBe('AzureActiveDirectoryStsLogon');
  });

  it('names record types from numbers, strings and Graph camelCase', () => {
    expect([recordTypeName(50), recordTypeName('15'), recordTypeName('exchangeItemAggregated'), recordTypeName(999)]).toEqual([
      'ExchangeItemAggregated',
      'AzureActiveDirectoryStsLogon',
      'ExchangeItemAggregated',
      'RecordType 999',
    ]);
  });
});

describe('sign-in normalization', () => {
  it('maps the linkable identifiers and the failure', () => {
    const ev = normalizeSignin(
      {
        id: 'ABC',
        createdDateTime: '2026-01-24T06:40:01.1234567Z',
        userPrincipalName: 'CEO@contoso.com',
        ipAddress: '2001:0db8::0001',
        appId: 'app',
        appDisplayName: 'OfficeHome',
        sessionId: 'sid',
        uniqueTokenIdentifier: 'uti',
        deviceDetail: { deviceId: 'dev' },
        userAgent: 'axios/1.6.0',
        status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
        signInEventTypes: ['nonInteractiveUser'],
      },
      ctx(),
    );
    expect(ev).toMatchObject({
      tsUs: Date.UTC(2026, 0, 24, 6, 40, 1) * 1000 + 123456,
      source: 'signin',
      recordType: 'nonInteractiveUser',
      actor: 'ceo@contoso.com',
      clientIp: '2001:db8::1',
      sessionId: 'sid',
      tokenId: 'uti',
      deviceId: 'dev',
      result: 'failure',
      recordKey: 'signin:abc',
    });
    expect(ev.attrs.signin?.errorCode).toBe(50126);
  });

  it('reads the risk event types of a Log Analytics SigninLogs row (RiskEventTypes_V2)', () => {
    const row = { TimeGenerated: '2026-01-24T06:40:01Z', Id: 'la-1', UserPrincipalName: 'a@b.c', RiskEventTypes_V2: '["unlikelyTravel"]' };
    expect(normalizeSignin(fromSigninLogsRow(row), ctx()).attrs.signin?.riskEventTypes).toEqual(['unlikelyTravel']);
  });

  it('reads status, device and location that ConvertTo-Json wrote as text below its default depth', () => {
    const ev = normalizeSignin(
      {
        id: 'D2',
        createdDateTime: '2026-01-24T06:40:01Z',
        userPrincipalName: 'ceo@contoso.com',
        status: '@{errorCode=50126; failureReason=Invalid username or password.; additionalDetails=}',
        deviceDetail: '@{deviceId=dev-7; displayName=; operatingSystem=Windows10; browser=Chrome 120.0.0}',
        location: '@{city=Lagos; state=Lagos; countryOrRegion=NG; geoCoordinates=}',
      },
      ctx(),
    );
    expect(ev).toMatchObject({ result: 'failure', deviceId: 'dev-7' });
    expect(ev.attrs.signin).toMatchObject({
      errorCode: 50126,
      failureReason: 'Invalid username or password.',
      location: { city: 'Lagos', state: 'Lagos', countryOrRegion: 'NG' },
    });
  });
});

describe('Graph activity logs (Azure Monitor MicrosoftGraphActivityLogs)', () => {
  const activity = (requestMethod: string, requestUri: string, signInActivityId = 'JgW9XEOQM0WNakyHMghCAA') =>
    normalizeAzureMonitor(
      {
        time: '2024-03-01T10:00:00Z',
        category: 'MicrosoftGraphActivityLogs',
        operationName: 'Microsoft Graph Activity',
        properties: { requestId: `r-${requestMethod}-${requestUri}`, requestMethod, requestUri, signInActivityId, userId: 'u1' },
      },
      ctx(),
    );

  it("links by the sign-in's token id (signInActivityId is the uti), padding trimmed, not as a session", () => {
    expect(activity('GET', 'https://graph.microsoft.com/v1.0/me/messages')).toMatchObject({
      tokenId: 'JgW9XEOQM0WNakyHMghCAA',
      sessionId: null,
      category: 'mail-read',
    });
    expect(activity('GET', 'https://graph.microsoft.com/v1.0/me', 'JgW9XEOQM0WNakyHMghCAA==').tokenId).toBe('JgW9XEOQM0WNakyHMghCAA');
  });

  it("reads a risk detection's user agent and reasons out of its additionalInfo string", () => {
    const ev = normalizeAzureMonitor(
      {
        time: '2024-03-01T10:00:00Z',
        category: 'UserRiskEvents',
        operationName: 'User Risk Detection',
        properties: {
          id: 'risk-1',
          activityDateTime: '2024-03-01T09:58:00Z',
          riskEventType: 'unfamiliarFeatures',
          userPrincipalName: 'ceo@contoso.com',
          additionalInfo:
            '[{"Key":"userAgent","Value":"Mozilla/5.0 (iPhone)"},{"Key":"riskReasons","Value":["UnfamiliarASN","UnfamiliarIP"]}]',
        },
      },
      ctx(),
    );
    expect(ev.userAgent).toBe('Mozilla/5.0 (iPhone)');
    expect(ev.attrs.fields?.['additionalInfo']).toEqual({
      userAgent: 'Mozilla/5.0 (iPhone)',
      riskReasons: ['UnfamiliarASN', 'UnfamiliarIP'],
    });
  });

  it("reads an audit as a directory audit whatever category its envelope names (Panther's Azure.Audit)", () => {
    const record = (category: string, user: object) => ({
      time: '2025-01-15 09:30:20.123',
      operationName: 'Add service principal credentials',
      category,
      callerIpAddress: '2.2.2.2',
      correlationId: 'sp-creds-001',
      properties: {
        id: 'a-1',
        result: 'success',
        activityDisplayName: 'Add service principal credentials',
        activityDateTime: '2025-01-15T09:30:20.1234567Z',
        initiatedBy: user,
        targetResources: [{ id: 'sp-1', displayName: 'Production API Service', type: 'ServicePrincipal' }],
      },
    });
    const ev = normalizeAzureMonitor(
      record('ApplicationManagement', { user: { userPrincipalName: 'Frodo@lotr.com', ipAddress: '2.2.2.3' } }),
      ctx(),
    );
    expect(ev).toMatchObject({ source: 'directory-audit', category: 'admin', actor: 'frodo@lotr.com', clientIp: '2.2.2.3' });
    expect(ev.summary).toBe('Add service principal credentials "Production API Service" by frodo@lotr.com from 2.2.2.3');
    expect(ev.tsUs).toBe(Date.UTC(2025, 0, 15, 9, 30, 20) * 1000 + 123456);
    // An app's audit names no address: the envelope's caller address stands in.
    const byApp = normalizeAzureMonitor(record('AuditLogs', { app: { displayName: 'Sync App', appId: 'app-1' } }), ctx());
    expect(byApp).toMatchObject({ actor: 'sync app', clientIp: '2.2.2.2', appId: 'app-1' });
  });

  it('counts forwarding and replying in one call as sending mail, drafting them not', () => {
    const cat = (m: string, u: string) => activity(m, `https://graph.microsoft.com/v1.0/users/u1/messages/AAMk=/${u}`).category;
    expect([cat('POST', 'forward'), cat('POST', 'reply'), cat('POST', 'replyAll?x=1'), cat('POST', 'send')]).toEqual([
      'mail-send',
      'mail-send',
      'mail-send',
      'mail-send',
    ]);
    expect([cat('POST', 'createForward'), cat('POST', 'createReply')]).toEqual(['other', 'other']);
  });
});

describe('time taken from another field', () => {
  const at = Date.UTC(2026, 0, 24, 6, 40, 1) * 1000;

  it("says so when a record's own time is unreadable and the export's CreationDate gave it", () => {
    const audit = (CreationTime: unknown) =>
      JSON.stringify({ Id: 'u-1', Operation: 'Send', ...(CreationTime !== undefined ? { CreationTime } : {}) });
    const own = normalizePowerShellUal({ CreationDate: '2026-01-24T06:40:01Z', AuditData: audit('2026-01-24T06:40:02') }, ctx(), false);
    expect(own.tsUs).toBe(at + 1_000_000);
    expect(own.attrs.timeFallback).toBeUndefined();
    const garbled = normalizePowerShellUal({ CreationDate: '2026-01-24T06:40:01Z ', AuditData: audit('24.01.2026 06:40') }, ctx(), false);
    expect(garbled.tsUs).toBe(at);
    expect(garbled.attrs.timeFallback).toEqual({
      from: "CreationDate (the export's column)",
      reason: 'CreationTime "24.01.2026 06:40" is not a valid time',
    });
    const local = normalizePowerShellUal({ CreationDate: '1/24/2026 6:40:01 AM', AuditData: audit(undefined) }, ctx(), true);
    expect(local.tsUs).toBe(at);
    expect(local.attrs.timeFallback).toEqual({
      from: "CreationDate (the export's column, read as a US month/day date)",
      reason: 'CreationTime is missing',
    });
    // A Graph audit record's own createdDateTime, when auditData lacks one.
    const graph = normalizeJsonRecord(
      {
        id: 'g-1',
        createdDateTime: '2026-01-24T06:40:01Z',
        operation: 'Send',
        auditLogRecordType: 'exchangeItem',
        auditData: { Operation: 'Send' },
      },
      'graph-audit-records',
      ctx(),
    );
    expect(graph.attrs.timeFallback?.from).toMatch(/^createdDateTime/);
  });

  it('says so when a sign-in or audit took the Azure Monitor envelope time, and not when it had its own', () => {
    const envelope = (properties: Record<string, unknown>, category = 'SignInLogs') =>
      normalizeAzureMonitor(
        { time: '2026-01-24T06:45:00Z', category, operationName: 'Sign-in activity', properties: { id: 'x', ...properties } },
        ctx(),
      );
    expect(envelope({ createdDateTime: '2026-01-24T06:40:01Z' }).attrs.timeFallback).toBeUndefined();
    const signin = envelope({ createdDateTime: '' });
    expect(signin.tsUs).toBe(at + 299_000_000);
    expect(signin.attrs.timeFallback).toMatchObject({
      from: expect.stringMatching(/^time \(the Azure Monitor envelope/),
      reason: 'createdDateTime is missing',
    });
    const audit = envelope({ activityDisplayName: 'Add member to role', activityDateTime: 'yesterday' }, 'AuditLogs');
    expect(audit.attrs.timeFallback?.reason).toBe('activityDateTime "yesterday" is not a valid time');
    const risk = envelope({ riskEventType: 'unfamiliarFeatures' }, 'UserRiskEvents');
    expect(risk.attrs.timeFallback?.reason).toBe('activityDateTime is missing');
  });

  it("says so when an activity's TimeStamp is unreadable and ActivityCreationTime gave its time", () => {
    const activity = (TimeStamp: unknown) =>
      normalizeActivity({ Id: 'a-1', ActivityIdType: 'MessageSent', TimeStamp, ActivityCreationTime: '2026-01-24T06:40:01Z' }, ctx());
    expect(activity('2026-01-24T06:40:05Z').attrs.timeFallback).toBeUndefined();
    expect(activity('n/a')).toMatchObject({
      tsUs: at,
      attrs: { timeFallback: { from: 'ActivityCreationTime', reason: 'TimeStamp "n/a" is not a valid time' } },
    });
  });
});

describe('shapes exporters write around the records', () => {
  const norm = (o: Record<string, unknown>, format: Parameters<typeof normalizeJsonRecord>[1], raw = JSON.stringify(o)) =>
    normalizeJsonRecord(o, format, ctx(raw));

  it('reads a Graph audit record whose auditData was saved as JSON text', () => {
    const auditData = {
      CreationTime: '2026-01-24T06:54:24',
      Id: 'r-1',
      Operation: 'New-InboxRule',
      UserId: 'ceo@contoso.com',
      ClientIP: '185.73.124.135:19823',
      Parameters: [
        { Name: 'Name', Value: 'fw' },
        { Name: 'ForwardTo', Value: 'exfil@evil.example' },
      ],
    };
    const ev = norm(
      {
        id: 'r-1',
        createdDateTime: '2026-01-24T06:54:24Z',
        auditLogRecordType: 'exchangeAdmin',
        operation: 'New-InboxRule',
        auditData: JSON.stringify(auditData),
      },
      'graph-audit-records',
    );
    expect(ev).toMatchObject({
      category: 'forwarding',
      clientIp: '185.73.124.135',
      attrs: { rule: { name: 'fw', actions: { forwardTo: ['exfil@evil.example'] } } },
    });
    expect(ev.attrs.timeFallback).toBeUndefined();
  });

  it('reads objects ConvertTo-Json wrote as @{…} text below its depth, and JSON encoded twice', () => {
    const mia = norm(
      {
        CreationTime: '2026-01-24T07:20:07',
        Id: 'm-1',
        Operation: 'MailItemsAccessed',
        RecordType: 50,
        UserId: 'ceo@contoso.com',
        AppId: '00000003-0000-0000-c000-000000000000',
        AppAccessContext: '@{AADSessionId=9dfdecb6-59a0-4714-846e-86c0fc911104; ClientAppId=5a95e683-08ad-424e-a441-1d1aec52c02c}',
      },
      'ual-json',
    );
    expect(mia).toMatchObject({ appId: '5a95e683-08ad-424e-a441-1d1aec52c02c', sessionId: '9dfdecb6-59a0-4714-846e-86c0fc911104' });
    const audit = norm(
      {
        id: 'd-2',
        activityDateTime: '2026-01-24T06:45:00Z',
        activityDisplayName: 'Update user',
        initiatedBy: { user: '@{id=bbcfc3c5; userPrincipalName=ceo@contoso.com; ipAddress=185.73.124.135}' },
      },
      'graph-directory-audits',
    );
    expect(audit).toMatchObject({ actor: 'ceo@contoso.com', clientIp: '185.73.124.135' });
    const twice = JSON.stringify(JSON.stringify([{ Name: 'ForwardingSmtpAddress', Value: 'smtp:exfil@evil.example' }]));
    const fwd = norm(
      {
        CreationTime: '2026-01-24T06:56:10',
        Id: 'sm-1',
        Operation: 'Set-Mailbox',
        UserId: 'ceo@contoso.com',
        ObjectId: 'ceo@contoso.com',
        Parameters: twice,
      },
      'ual-json',
    );
    expect(fwd).toMatchObject({ category: 'forwarding', attrs: { forwarding: { forwardingSmtpAddress: 'exfil@evil.example' } } });
    const consent = norm(
      {
        CreationTime: '2026-01-24T06:45:00',
        Id: 'c-1',
        Operation: 'Consent to application.',
        RecordType: 8,
        UserId: 'ceo@contoso.com',
        ModifiedProperties: JSON.stringify([
          {
            Name: 'ConsentAction.Permissions',
            NewValue: '[] => [[Id: x, ClientId: sp1, ConsentType: Principal, Scope: Mail.Read offline_access]]',
            OldValue: '',
          },
        ]),
      },
      'ual-json',
    );
    expect(consent.attrs.consent?.scopes).toEqual(['Mail.Read', 'offline_access']);
  });

  it("reads an activity's CustomProperties saved as JSON text, as the CSV path does", () => {
    const ev = norm(
      {
        Id: 'AAMk1',
        TimeStamp: '2018-06-15T09:12:01.123Z',
        AppIdType: 'Web',
        ActivityIdType: 'ServerLogon',
        CustomProperties: '[{"Name":"ClientIP","Value":"185.73.124.135"}]',
      },
      'activities-json',
    );
    expect(ev.clientIp).toBe('185.73.124.135');
  });

  it("keeps a Get-InboxRule RuleIdentity past 2^53 exact, from its Identity or the record's text", () => {
    const raw =
      '{"Name":"fw","Identity":"ceo@contoso.com\\\\16752869479666417665","RuleIdentity":16752869479666417665,"Enabled":true,"Priority":1,"ForwardTo":["exfil@evil.example"]}';
    const ev = norm(JSON.parse(raw) as Record<string, unknown>, 'inbox-rules-powershell', raw);
    expect(ev.attrs.rule?.id).toBe('16752869479666417665');
    expect(ev.recordKey).toContain(':16752869479666417665:');
    // A line holding several rules keeps each as re-serialised (rounded) text: Identity still has the digits.
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    expect(norm(parsed, 'inbox-rules-powershell', JSON.stringify(parsed)).attrs.rule?.id).toBe('16752869479666417665');
    // Digits that are another number are not taken.
    const other = { ...parsed, Identity: 'ceo@contoso.com\\1' };
    expect(norm(other, 'inbox-rules-powershell', JSON.stringify(other)).attrs.rule?.id).toBe('16752869479666418000');
  });

  it('reads Graph PowerShell SDK objects (Get-MgAuditLogSignIn | ConvertTo-Json) by their Graph names', () => {
    const sdk = {
      Id: 'd70d10b6-221a-4840-899d-87ee20ff5900',
      CreatedDateTime: '2026-01-24T06:40:01Z',
      UserPrincipalName: 'CEO@contoso.com',
      AppId: '4765445b',
      IPAddress: '185.73.124.135',
      ClientAppUsed: 'Browser',
      Status: { ErrorCode: 50126, FailureReason: 'Invalid username or password', AdditionalProperties: {} },
      Location: { City: 'Moscow', CountryOrRegion: 'RU', AdditionalProperties: {} },
      RiskEventTypesV2: ['unfamiliarFeatures'],
      AdditionalProperties: { '@odata.type': '#microsoft.graph.signIn' },
    };
    expect(classifyJson(sdk)).toBe('signin');
    const ev = norm(sdk, 'entra-signin-json');
    expect(ev).toMatchObject({
      actor: 'ceo@contoso.com',
      clientIp: '185.73.124.135',
      result: 'failure',
      recordKey: 'signin:d70d10b6-221a-4840-899d-87ee20ff5900',
    });
    expect(ev.attrs.signin).toMatchObject({
      errorCode: 50126,
      location: { city: 'Moscow', countryOrRegion: 'RU' },
      riskEventTypes: ['unfamiliarFeatures'],
    });
    expect(ev.raw).toBe(JSON.stringify(sdk));
  });
});

describe('columns and values some exports drop or reshape', () => {
  it('reads Log Analytics rows whose query projected the Type column away, by their Category and columns', () => {
    const signin = {
      TimeGenerated: '2026-01-24T06:40:31Z',
      CreatedDateTime: '2026-01-24T06:40:30.5Z',
      Id: 'la-5',
      Category: 'SignInLogs',
      ResultType: '50126',
      UserPrincipalName: 'ceo@contoso.com',
      IPAddress: '185.73.124.135',
    };
    expect(classifyJson(signin)).toBe('log-analytics-signin');
    expect(normalizeJsonRecord(signin, 'azure-monitor-entra', ctx())).toMatchObject({
      source: 'signin',
      actor: 'ceo@contoso.com',
      result: 'failure',
      recordType: 'interactiveUser',
    });
    const audit = {
      TimeGenerated: '2026-01-24T06:45:01Z',
      Id: 'Directory_la_1',
      Category: 'ApplicationManagement',
      ActivityDateTime: '2026-01-24T06:45:00.017Z',
      ActivityDisplayName: 'Add delegated permission grant',
      Result: 'success',
    };
    expect(classifyJson(audit)).toBe('log-analytics-audit');
    expect(normalizeJsonRecord(audit, 'azure-monitor-entra', ctx()).tsUs).toBe(Date.UTC(2026, 0, 24, 6, 45, 0) * 1000 + 17_000);
  });

  it("reads Windows PowerShell's {value, DateTime} CreationDate and an error code written as a float", () => {
    const ps = normalizePowerShellUal(
      {
        CreationDate: { value: '/Date(1769237664000)/', DisplayHint: 2, DateTime: 'Saturday, January 24, 2026 6:54:24 AM' },
        Operations: 'Send',
        AuditData: '{"Id":"r-1","Operation":"Send"}',
      },
      ctx(),
      false,
    );
    expect(ps.tsUs).toBe(1769237664000 * 1000);
    const s = normalizeSignin(
      { id: 's-1', createdDateTime: '2026-01-24T06:40:01Z', userPrincipalName: 'a@b.c', status: { errorCode: '50126.0' } },
      ctx(),
    );
    expect([s.result, s.attrs.signin?.errorCode]).toEqual(['failure', 50126]);
  });
});
