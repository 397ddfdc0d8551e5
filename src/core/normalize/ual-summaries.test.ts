// One-line summaries of UAL operations whose meaning is in operation-specific fields. The records
// are synthetic, shaped like the public samples (Sekoia o365 Management API tests, the Huntress
// Purview export, graph2otel Graph audit records) with the field names of reference §3.
import { describe, expect, it } from 'vitest';
import type { NormalizeContext } from './event';
import { describeRule, ruleFromUpdateInboxRules, otherRuleActions } from './rules';
import { normalizeUal } from './ual';
import { nameValues, type Obj } from './values';

const ctx: NormalizeContext = { raw: '{}', mailbox: null, observedAtUs: 0 };
const ual = (r: Obj) => normalizeUal({ CreationTime: '2024-07-10T14:25:49', Id: 'a1b2c3d4-0000-4000-8000-000000000001', ...r }, ctx);

/** An AzureActiveDirectory (RecordType 8) record as the Management API writes it. */
function aad(operation: string, r: Obj): Obj {
  return {
    Operation: operation,
    RecordType: 8,
    ResultStatus: 'Success',
    Workload: 'AzureActiveDirectory',
    UserId: 'admin@contoso.com',
    ...r,
  };
}

/** `Target[]` of a user: ids of types 2 and 3 around the UPN (type 5), as the samples list them. */
const userTarget = (upn: string) => [
  { ID: 'User_46522b15-1bf5-4bed-8a6c-4edc58c05b23', Type: 2 },
  { ID: '46522b15-1bf5-4bed-8a6c-4edc58c05b23', Type: 2 },
  { ID: 'User', Type: 2 },
  { ID: upn, Type: 5 },
  { ID: '100320029D9D1C86', Type: 3 },
];

/** An Exchange mailbox record (RecordType 2) with its owner and logon type. */
function mailbox(operation: string, r: Obj): Obj {
  return {
    Operation: operation,
    RecordType: 2,
    ResultStatus: 'Succeeded',
    Workload: 'Exchange',
    ClientIP: '203.0.113.7',
    ClientIPAddress: '203.0.113.7',
    UserId: 'ceo@contoso.com',
    MailboxOwnerUPN: 'ceo@contoso.com',
    LogonType: 0,
    ...r,
  };
}

describe('Entra role and group membership', () => {
  it('names the role a member was added to or removed from (Role.DisplayName), then the member and who did it', () => {
    const add = ual(
      aad('Add member to role.', {
        ObjectId: 'john.doe@contoso.com',
        ModifiedProperties: [
          { Name: 'Role.ObjectID', NewValue: '54fc7176-29ef-4b41-808f-3cdeb8010649', OldValue: '' },
          { Name: 'Role.DisplayName', NewValue: 'Global Administrator', OldValue: '' },
          { Name: 'Role.WellKnownObjectName', NewValue: 'TenantAdmins', OldValue: '' },
        ],
        Target: userTarget('john.doe@contoso.com'),
      }),
    );
    expect(add.summary).toBe('Add member to role. "Global Administrator": john.doe@contoso.com by admin@contoso.com');
    expect(add.object).toBe('john.doe@contoso.com');
    // As the directory-audit normalizer records it, so a search finds both sources.
    expect(add.attrs.fields?.['role']).toBe('Global Administrator');
    // Removal: the role is in OldValue, NewValue is empty.
    const remove = ual(
      aad('Remove member from role.', {
        ObjectId: 'john.doe@contoso.com',
        ModifiedProperties: [{ Name: 'Role.DisplayName', NewValue: '', OldValue: 'Exchange Administrator' }],
      }),
    );
    expect(remove.summary).toBe('Remove member from role. "Exchange Administrator": john.doe@contoso.com by admin@contoso.com');
  });

  it('names the group of a group membership change (Group.DisplayName, in the JSON list form)', () => {
    const ev = ual(
      aad('Add member to group.', {
        ObjectId: 'mallory@contoso.com',
        ClientIP: '198.51.100.20',
        ModifiedProperties: [
          { Name: 'Group.ObjectID', NewValue: '[\r\n  "0d2f5969-011b-460d-ac74-3291d227d49f"\r\n]', OldValue: '' },
          { Name: 'Group.DisplayName', NewValue: '[\r\n  "Finance Approvers"\r\n]', OldValue: '' },
        ],
      }),
    );
    expect(ev.summary).toBe('Add member to group. "Finance Approvers": mallory@contoso.com by admin@contoso.com from 198.51.100.20');
    expect(ev.attrs.fields?.['group']).toBe('Finance Approvers');
  });
});

describe('Entra Update … operations', () => {
  it('lists the changed properties: an MFA method change reads as one', () => {
    const ev = ual(
      aad('Update user.', {
        ObjectId: 'bob@contoso.com',
        ModifiedProperties: [
          { Name: 'StrongAuthenticationMethod', NewValue: '[{"MethodType":6,"Default":true}]', OldValue: '[]' },
          { Name: 'Included Updated Properties', NewValue: 'StrongAuthenticationMethod', OldValue: '' },
          { Name: 'TargetId.UserType', NewValue: 'Member', OldValue: '' },
        ],
        Target: userTarget('bob@contoso.com'),
      }),
    );
    expect(ev.summary).toBe('Update user. bob@contoso.com by admin@contoso.com: StrongAuthenticationMethod');
    expect(ev.object).toBe('bob@contoso.com');
  });

  it('says a change came from directory sync (Action Client Name) and lists properties the Included list omits', () => {
    const ev = ual(
      aad('Update user.', {
        ObjectId: 'aaaa.bbbb@contoso.com',
        ModifiedProperties: [
          { Name: 'LastDirSyncTime', NewValue: '["2021-03-05T14:43:17Z"]', OldValue: '["2021-03-03T12:30:50Z"]' },
          { Name: 'StrongAuthenticationPhoneAppDetail', NewValue: '[]', OldValue: '[]' },
          { Name: 'Included Updated Properties', NewValue: 'LastDirSyncTime', OldValue: '' },
          { Name: 'Action Client Name', NewValue: 'DirectorySync', OldValue: '' },
        ],
      }),
    );
    expect(ev.summary).toBe(
      'Update user. aaaa.bbbb@contoso.com by admin@contoso.com: LastDirSyncTime, StrongAuthenticationPhoneAppDetail (via DirectorySync)',
    );
  });

  it('keeps a long property list to one line: five names, then how many more', () => {
    const names = Array.from({ length: 40 }, (_, i) => `ExtensionAttribute${i}`);
    const ev = ual(
      aad('Update user.', {
        ObjectId: 'bob@contoso.com',
        ModifiedProperties: [{ Name: 'Included Updated Properties', NewValue: names.join(',\r\n '), OldValue: '' }],
      }),
    );
    expect(ev.summary).toBe(
      'Update user. bob@contoso.com by admin@contoso.com: ExtensionAttribute0, ExtensionAttribute1, ExtensionAttribute2, ExtensionAttribute3, ExtensionAttribute4 (+35 more)',
    );
  });
});

describe('Entra app registrations', () => {
  it('names the service principal from Target[] type 1 and gives its app id (additionalDetails)', () => {
    const ev = ual(
      aad('Add service principal.', {
        UserId: 'Certificate',
        ObjectId: '66244124-575c-4284-92bc-fdd00e669cea',
        ExtendedProperties: [{ Name: 'additionalDetails', Value: '{"AppId":"66244124-575c-4284-92bc-fdd00e669cea"}' }],
        ModifiedProperties: [{ Name: 'DisplayName', NewValue: '[\r\n  "IAMTenantCrawler"\r\n]', OldValue: '[]' }],
        Target: [
          { ID: 'ServicePrincipal_691e82fd-babf-451c-8a3d-826f69957567', Type: 2 },
          { ID: 'ServicePrincipal', Type: 2 },
          { ID: 'IAMTenantCrawler', Type: 1 },
          { ID: '66244124-575c-4284-92bc-fdd00e669cea', Type: 4 },
        ],
      }),
    );
    expect(ev.summary).toBe('Add service principal. "IAMTenantCrawler" (66244124-575c-4284-92bc-fdd00e669cea) by certificate');
    expect(ev.object).toBe('IAMTenantCrawler');
  });

  it('falls back to the DisplayName modified property when Target[] has no name', () => {
    const ev = ual(
      aad('Add application.', {
        ObjectId: 'Application_123123123123213',
        ModifiedProperties: [
          { Name: 'AppId', NewValue: '[\r\n  "3f2e1d0c-aaaa-4bbb-8ccc-000000000001"\r\n]', OldValue: '[]' },
          { Name: 'DisplayName', NewValue: '[\r\n  "Mail Sync Helper"\r\n]', OldValue: '[]' },
        ],
      }),
    );
    expect(ev.summary).toBe('Add application. "Mail Sync Helper" (3f2e1d0c-aaaa-4bbb-8ccc-000000000001) by admin@contoso.com');
  });

  it('names the app, not a user Target[] also lists, on an app record; a user record names the user', () => {
    const target = [{ ID: 'Payroll Connector', Type: 1 }, ...userTarget('owner@contoso.com')];
    const app = ual(aad('Update application.', { ModifiedProperties: [], Target: target }));
    expect(app.summary).toBe('Update application. "Payroll Connector" by admin@contoso.com');
    const user = ual(aad('Update user.', { ModifiedProperties: [], Target: target }));
    expect(user.summary).toBe('Update user. owner@contoso.com by admin@contoso.com');
  });
});

describe('UpdateInboxRules actions the log does not decode', () => {
  const props = [
    { Name: 'RuleOperation', Value: 'ModifyMailboxRule' },
    { Name: 'RuleId', Value: '-5555555555555555555' },
    { Name: 'RuleState', Value: 'Enabled, ExitAfterExecution' },
    { Name: 'RuleName', Value: 'MyRule' },
    { Name: 'RuleActions', Value: '[{"ActionType":"DeferAction","LengthOfDeferData":"1453"}]' },
  ];

  it('says a client-side (DeferAction) rule does something the log does not show, not only "stop processing rules"', () => {
    const ev = ual(mailbox('UpdateInboxRules', { OperationProperties: props }));
    expect(ev.summary).toBe(
      'UpdateInboxRules (ModifyMailboxRule) "MyRule" on ceo@contoso.com: client-side action (DeferAction), stop processing rules (no conditions: every message)',
    );
    expect(ev.category).toBe('rule-change');
  });

  it('names other undecoded action types with their recipients', () => {
    const p = nameValues([
      ...props.slice(0, 4),
      { Name: 'RuleActions', Value: '[{"ActionType":"Reply"},{"ActionType":"Delegate","Recipients":["Evil@Attacker.example"]}]' },
    ]);
    expect(otherRuleActions(p)).toEqual(['other action (Reply)', 'other action (Delegate: evil@attacker.example)']);
    expect(describeRule(ruleFromUpdateInboxRules(p), otherRuleActions(p))).toBe(
      'other action (Reply), other action (Delegate: evil@attacker.example), stop processing rules (no conditions: every message)',
    );
  });
});

describe('who acted on a mailbox that is not theirs', () => {
  it('names a delegate (LogonType 2) on an inbox rule change', () => {
    const ev = ual(
      mailbox('UpdateInboxRules', {
        UserId: 'user1@contoso.com',
        MailboxOwnerUPN: 'owner@contoso.com',
        LogonType: 2,
        OperationProperties: [
          { Name: 'RuleOperation', Value: 'ModifyMailboxRule' },
          { Name: 'RuleId', Value: '-123' },
          { Name: 'RuleState', Value: 'Enabled' },
          { Name: 'RuleCondition', Value: '{(Exists(ItemClass))}' },
          { Name: 'RuleActions', Value: '[{"ActionType":"Forward","Recipients":["john.doe@fabrikam.example"],"ForwardFlags":"None"}]' },
        ],
      }),
    );
    expect(ev.summary).toBe(
      'UpdateInboxRules (ModifyMailboxRule) -123 on owner@contoso.com by user1@contoso.com (delegate): forward to john.doe@fabrikam.example, when condition {(Exists(ItemClass))}',
    );
  });

  it('names an admin (LogonType 1) reading mail, and says nothing when the owner reads their own', () => {
    const folders = [{ Path: '\\Inbox', FolderItems: [{ InternetMessageId: '<a@x>' }, { InternetMessageId: '<b@x>' }] }];
    const props = [{ Name: 'MailAccessType', Value: 'Bind' }];
    const admin = ual(
      mailbox('MailItemsAccessed', {
        RecordType: 50,
        UserId: 'it@contoso.com',
        LogonType: 1,
        Folders: folders,
        OperationProperties: props,
      }),
    );
    expect(admin.summary).toBe('MailItemsAccessed Bind of Inbox (2 items) on ceo@contoso.com by it@contoso.com (admin) from 203.0.113.7');
    const owner = ual(mailbox('MailItemsAccessed', { RecordType: 50, Folders: folders, OperationProperties: props }));
    expect(owner.summary).toBe('MailItemsAccessed Bind of Inbox (2 items) from 203.0.113.7');
  });

  it('names the delegate on deletes and sends', () => {
    const del = ual(
      mailbox('SoftDelete', {
        RecordType: 3,
        UserId: 'user1@contoso.com',
        LogonType: 2,
        Folder: { Path: '\\Sent Items' },
        AffectedItems: [{ Subject: 'Updated bank details' }],
      }),
    );
    expect(del.summary).toBe(
      'SoftDelete of 1 item from Sent Items ("Updated bank details") on ceo@contoso.com by user1@contoso.com (delegate) from 203.0.113.7',
    );
    const send = ual(mailbox('Send', { UserId: 'user1@contoso.com', LogonType: 2, Item: { Subject: 'Invoice' } }));
    expect(send.summary).toBe('Send "Invoice" on ceo@contoso.com by user1@contoso.com (delegate) from 203.0.113.7');
    // SendAs names the mailbox already: only who did it is added.
    const sendAs = ual(
      mailbox('SendAs', { UserId: 'user1@contoso.com', LogonType: 2, SendAsUserSmtp: 'ceo@contoso.com', Item: { Subject: 'Wire' } }),
    );
    expect(sendAs.summary).toBe('SendAs as ceo@contoso.com "Wire" by user1@contoso.com (delegate) from 203.0.113.7');
  });

  it('names an admin who made a rule or set forwarding on another mailbox', () => {
    const rule = ual({
      Operation: 'New-InboxRule',
      RecordType: 1,
      Workload: 'Exchange',
      UserId: 'admin@contoso.com',
      Parameters: [
        { Name: 'Mailbox', Value: 'ceo@contoso.com' },
        { Name: 'Name', Value: '.' },
        { Name: 'DeleteMessage', Value: 'True' },
      ],
    });
    expect(rule.summary).toBe('New-InboxRule "." on ceo@contoso.com by admin@contoso.com: delete (no conditions: every message)');
    const fwd = ual({
      Operation: 'Set-Mailbox',
      RecordType: 1,
      Workload: 'Exchange',
      UserId: 'admin@contoso.com',
      Parameters: [
        { Name: 'Identity', Value: 'ceo@contoso.com' },
        { Name: 'ForwardingSmtpAddress', Value: 'smtp:drop@evil.example' },
      ],
    });
    expect(fwd.summary).toBe('Set-Mailbox on ceo@contoso.com by admin@contoso.com: forward to drop@evil.example');
  });
});

describe('the owner is not named as someone else', () => {
  it("under another of the tenant's domains, by LogonType 0, or by the same SID whatever LogonType says", () => {
    const fwd = ual({
      Operation: 'Set-Mailbox',
      RecordType: 1,
      Workload: 'Exchange',
      UserId: 'homer.simpson@simpsons.com',
      ObjectId: 'homer.simpson',
      Parameters: [
        { Name: 'Identity', Value: 'homer.simpson@simpsons.onmicrosoft.com' },
        { Name: 'ForwardingSmtpAddress', Value: 'smtp:bart@springfield.example' },
        { Name: 'DeliverToMailboxAndForward', Value: 'True' },
      ],
    });
    expect(fwd.summary).toBe('Set-Mailbox on homer.simpson@simpsons.onmicrosoft.com: forward to bart@springfield.example (keep a copy)');
    const props = [{ Name: 'MailAccessType', Value: 'Bind' }];
    const folders = [{ Path: '\\Inbox', FolderItems: [{ InternetMessageId: '<a@x>' }] }];
    const read = (r: Obj) =>
      ual(mailbox('MailItemsAccessed', { RecordType: 50, Folders: folders, OperationProperties: props, ...r })).summary;
    expect(read({ UserId: 'ceo@contoso.onmicrosoft.com', LogonType: 0 })).toBe('MailItemsAccessed Bind of Inbox (1 item) from 203.0.113.7');
    expect(read({ UserId: 'ceo@contoso.onmicrosoft.com', LogonType: 2, LogonUserSid: 'S-1-5-21-1', MailboxOwnerSid: 's-1-5-21-1' })).toBe(
      'MailItemsAccessed Bind of Inbox (1 item) from 203.0.113.7',
    );
    // Another account with the owner's alias is still named when LogonType says it is a delegate.
    expect(read({ UserId: 'ceo@fabrikam.example', LogonType: 2, LogonUserSid: 'S-1-5-21-2', MailboxOwnerSid: 'S-1-5-21-1' })).toBe(
      'MailItemsAccessed Bind of Inbox (1 item) on ceo@contoso.com by ceo@fabrikam.example (delegate) from 203.0.113.7',
    );
  });
});

describe('SharePoint and OneDrive guests', () => {
  it('reads urn:spo:guest#address as the address, keeping the UserId as written; anonymous users stay as they are', () => {
    const file = (UserId: string) =>
      ual({ Operation: 'FileDownloaded', RecordType: 6, Workload: 'OneDrive', UserId, ObjectId: 'https://x/1.zip', ClientIP: '1.2.3.4' });
    const guest = file('urn:spo:guest#John.Doe@example.com');
    expect(guest).toMatchObject({
      actor: 'john.doe@example.com',
      summary: 'FileDownloaded by john.doe@example.com on https://x/1.zip from 1.2.3.4',
    });
    expect(guest.attrs.fields?.['UserId']).toBe('urn:spo:guest#John.Doe@example.com');
    const anon = file('urn:spo:anon#5c20b08a');
    expect(anon.actor).toBe('urn:spo:anon#5c20b08a');
    expect(anon.attrs.fields?.['UserId']).toBeUndefined();
  });
});

describe('Security & Compliance alerts', () => {
  const alert = (operation: string, r: Obj): Obj => ({
    Operation: operation,
    RecordType: 40,
    ResultStatus: 'Succeeded',
    UserId: 'SecurityComplianceAlerts',
    Workload: 'SecurityComplianceCenter',
    ObjectId: '31f138b3-da55-4c12-9200-08ddd663dfb8',
    AlertId: '31f138b3-da55-4c12-9200-08ddd663dfb8',
    Source: 'Office 365 Security & Compliance',
    ...r,
  });

  it('gives the alert name, severity, status and the user from Data (f3u) instead of the service account and GUID', () => {
    const ev = ual(
      alert('AlertTriggered', {
        Name: 'Creation of forwarding/redirect rule',
        Severity: 'Medium',
        Status: 'Active',
        Data: JSON.stringify({ f3u: 'Bob@Contoso.com', op: 'New-InboxRule', an: 'Creation of forwarding/redirect rule', sev: 'Medium' }),
      }),
    );
    expect(ev.summary).toBe('AlertTriggered "Creation of forwarding/redirect rule" (medium, active) for bob@contoso.com');
    expect(ev.attrs.fields?.['Data']).toMatchObject({ f3u: 'Bob@Contoso.com', op: 'New-InboxRule' });
  });

  it('gives the recipient, the entity and the sender of an AlertEntityGenerated', () => {
    const url = ual(
      alert('AlertEntityGenerated', {
        Name: 'A potentially malicious URL click was detected',
        Severity: 'High',
        Status: 'Active',
        EntityType: 'MaliciousUrl',
        Data: JSON.stringify({ etype: 'MaliciousUrl', eid: 'https://login.evil.example/?x=1', trc: 'user1@contoso.com' }),
      }),
    );
    expect(url.summary).toBe(
      'AlertEntityGenerated "A potentially malicious URL click was detected" (high, active) for user1@contoso.com: MaliciousUrl https://login.evil.example/?x=1',
    );
    // The object stays the entity the record names; an alert GUID alone gives way to the alert's name.
    expect(ual(alert('AlertEntityGenerated', { Name: 'n', ObjectId: 'https://login.evil.example/?x=1' })).object).toBe(
      'https://login.evil.example/?x=1',
    );
    expect(ual(alert('AlertTriggered', { Name: 'n', ObjectId: '31f138b3-aaaa-4bbb-8ccc-0123456789ab' })).object).toBe('n');
    const phish = ual(
      alert('AlertEntityGenerated', {
        Name: 'Phishing detected',
        Severity: 'Low',
        Status: 'Resolved',
        Data: JSON.stringify({
          etype: 'MalwareFamily',
          eid: '58fe2050-27be-431f-a035-2cba142cb021-15828634862951700795-1',
          trc: 'john.doe@contoso.com',
          tsd: 'communications@fabrikam.example',
        }),
      }),
    );
    expect(phish.summary).toBe(
      'AlertEntityGenerated "Phishing detected" (low, resolved) for john.doe@contoso.com: MalwareFamily, sender communications@fabrikam.example',
    );
  });

  it('takes the user from a UPN ObjectId when Data is empty', () => {
    const ev = ual(
      alert('AlertUpdated', {
        ObjectId: 'jdoe@contoso.com',
        Name: 'Email reported by user as malware or phish',
        Severity: 'Low',
        Status: 'Investigating',
        Data: '',
      }),
    );
    expect(ev.summary).toBe('AlertUpdated "Email reported by user as malware or phish" (low, investigating) for jdoe@contoso.com');
  });
});

describe('Exchange item operations', () => {
  it('Create: the subject, folder and message id of Item', () => {
    const ev = ual(
      mailbox('Create', {
        Item: {
          Id: 'LgAAAAAdhAMRqmYRzZvIAKoAL8RaDQ',
          InternetMessageId: '<draft-1@contoso.com>',
          ParentFolder: { Id: 'LgAAAAAbOnSF', Path: '\\Drafts' },
          Subject: 'Updated wire instructions',
        },
      }),
    );
    expect(ev.summary).toBe('Create "Updated wire instructions" in Drafts from 203.0.113.7');
    expect(ev.object).toBe('Updated wire instructions');
    expect(ev.attrs.fields?.['InternetMessageId']).toBe('<draft-1@contoso.com>');
  });

  it('without its Item, keeps the default summary (who, on what, from where)', () => {
    const ev = ual(mailbox('Create', { UserId: 'user1@contoso.com', ObjectId: 'ceo@contoso.com\\Drafts' }));
    expect(ev.summary).toBe('Create by user1@contoso.com on ceo@contoso.com\\Drafts from 203.0.113.7');
  });

  it('Update: keeps the string list of ModifiedProperties and counts it', () => {
    const ev = ual(
      mailbox('Update', {
        Item: { InternetMessageId: '<draft-2@contoso.com>', ParentFolder: { Path: '\\Drafts' }, Subject: 'Re: payment' },
        ModifiedProperties: ['HtmlBody', 'RtfBody', 'TextBody'],
      }),
    );
    expect(ev.summary).toBe('Update "Re: payment" in Drafts (3 properties changed) from 203.0.113.7');
    expect(ev.attrs.fields?.['ModifiedProperties']).toEqual(['HtmlBody', 'RtfBody', 'TextBody']);
  });

  it('Move: from the source folder to the destination, with subjects and the delegate', () => {
    const ev = ual(
      mailbox('Move', {
        RecordType: 3,
        UserId: 'user1@contoso.com',
        LogonType: 2,
        Folder: { Path: '\\Inbox' },
        DestFolder: { Path: '\\RSS Feeds' },
        AffectedItems: [
          { Subject: 'Security alert', InternetMessageId: '<m1@x>' },
          { Subject: 'Unusual sign-in', InternetMessageId: '<m2@x>' },
        ],
      }),
    );
    expect(ev.summary).toBe(
      'Move of 2 items from Inbox to RSS Feeds ("Security alert", "Unusual sign-in") on ceo@contoso.com by user1@contoso.com (delegate) from 203.0.113.7',
    );
    expect(ev.object).toBe('Security alert');
  });
});

describe('threat intelligence, quarantine and labels', () => {
  it('TIUrlClickData: UserIp is the client IP and the URL is in the summary', () => {
    const ev = ual({
      Operation: 'TIUrlClickData',
      RecordType: 41,
      Workload: 'ThreatIntelligence',
      UserId: 'bob@contoso.com',
      AppName: 'Mail',
      TimeOfClick: '2022-07-07T09:33:33',
      Url: 'https://login.evil.example/o365',
      UserIp: '198.51.100.23',
    });
    expect(ev.clientIp).toBe('198.51.100.23');
    expect(ev.object).toBe('https://login.evil.example/o365');
    expect(ev.summary).toBe('TIUrlClickData "https://login.evil.example/o365" by bob@contoso.com in Mail from 198.51.100.23');
  });

  it('TIMailData: verdict, subject, envelope sender without its BATV tag, recipients and delivery action', () => {
    const ev = ual({
      Operation: 'TIMailData',
      RecordType: 28,
      Workload: 'ThreatIntelligence',
      UserId: 'bob@contoso.com',
      ObjectId: '4ca2df96-4488-4f3b-a265-b4edaa3c4d8f',
      DeliveryAction: 'Blocked',
      InternetMessageId: '<11111111-1111-1111-1111-111111111111@fabrikam.example>',
      P1Sender: 'prvs=0000000000=Billing@Fabrikam.example',
      Recipients: ['bob@contoso.com', 'ap@contoso.com'],
      SenderIp: '192.0.2.44',
      Subject: 'Overdue invoice',
      Verdict: 'Phish',
    });
    expect(ev.summary).toBe('TIMailData Phish "Overdue invoice" from billing@fabrikam.example to bob@contoso.com, ap@contoso.com: Blocked');
    // The sending server's address is not where a user acted from.
    expect(ev.clientIp).toBeNull();
    expect(ev.attrs.fields?.['InternetMessageId']).toBe('<11111111-1111-1111-1111-111111111111@fabrikam.example>');
  });

  it('QuarantineReleaseMessage: who the message was released to', () => {
    const ev = ual({
      Operation: 'QuarantineReleaseMessage',
      RecordType: 65,
      Workload: 'Quarantine',
      UserId: 'admin@contoso.com',
      NetworkMessageId: '80aa9dda-c565-45a0-6133-08dee7cf4a7a',
      ReleaseTo: 'Bob@Contoso.com',
    });
    expect(ev.summary).toBe('QuarantineReleaseMessage to bob@contoso.com by admin@contoso.com');
    expect(ev.object).toBe('80aa9dda-c565-45a0-6133-08dee7cf4a7a');
  });

  it('MipLabel: label, subject, sender and recipients from ExchangeMetaData, or the RecordType 43 fields', () => {
    const dlp = ual({
      Operation: 'MipLabel',
      RecordType: 13,
      Workload: 'Exchange',
      UserId: 'AlexW@contoso.com',
      ObjectId: '<msg-1@contoso.com>',
      PolicyDetails: [
        {
          Rules: [
            { ConditionsMatched: { OtherConditions: [{ Name: 'SensitivityLabels', Value: 'Confidential' }] }, RuleName: 'Confidential' },
          ],
        },
      ],
      ExchangeMetaData: { From: 'AlexW@contoso.com', To: ['DebraB@contoso.com'], Subject: 'Q3 payroll', MessageID: '<msg-1@contoso.com>' },
    });
    expect(dlp.summary).toBe('MipLabel "Confidential" on "Q3 payroll" from alexw@contoso.com to debrab@contoso.com');
    const label = ual({
      Operation: 'MipLabel',
      RecordType: 43,
      Workload: 'Exchange',
      UserId: 'AlexW@contoso.com',
      LabelName: 'Public',
      LabelAction: 'Downgrade',
      ItemName: 'Contest',
      Sender: 'AlexW@contoso.com',
      Receivers: ['DebraB@contoso.com'],
    });
    expect(label.summary).toBe('MipLabel "Public" (Downgrade) on "Contest" from alexw@contoso.com to debrab@contoso.com');
  });
});
