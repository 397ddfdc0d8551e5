import { describe, expect, it } from 'vitest';
import { normalizeAzureMonitor } from './azure-monitor';
import { normalizeDirectoryAudit } from './directory-audit';
import type { NormalizeContext } from './event';
import { normalizeSignin } from './signin';

// Synthetic records shaped like the real third-party samples under ../shared/samples (Sekoia
// azure-ad and microsoft-entraid-graphapi tests, graph2otel live captures, Panther Azure.Audit tests).

const ctx = (): NormalizeContext => ({ raw: '{}', mailbox: null, observedAtUs: 0 });
const utc = (...a: [number, number, number, number, number, number]): number => Date.UTC(...a) * 1000;

/** An Entra directory audit as Graph returns it. */
function audit(over: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'Directory_a1',
    activityDateTime: '2026-01-24T06:45:00Z',
    category: 'UserManagement',
    result: 'success',
    resultReason: '',
    loggedByService: 'Core Directory',
    initiatedBy: { user: { id: 'u-admin', userPrincipalName: 'Admin@contoso.com', ipAddress: '1.2.3.4' }, app: null },
    additionalDetails: [],
    ...over,
  };
}

/** A JSON-quoted modified property, as Entra writes them. */
const mp = (displayName: string, newValue: string | null, oldValue: string | null = null) => ({
  displayName,
  newValue: newValue === null ? null : JSON.stringify(newValue),
  oldValue: oldValue === null ? null : JSON.stringify(oldValue),
});

describe('Graph activity logs: linkable ids and their own time (finding 1)', () => {
  const record = (properties: Record<string, unknown>) =>
    normalizeAzureMonitor(
      {
        time: '2025-10-02T09:01:00.0000000Z',
        operationName: 'Microsoft Graph Activity',
        category: 'MicrosoftGraphActivityLogs',
        resultSignature: '200',
        callerIpAddress: '203.0.113.9',
        properties: {
          requestId: 'req-1',
          requestMethod: 'GET',
          requestUri: 'https://graph.microsoft.com/v1.0/me/messages',
          responseStatusCode: 200,
          signInActivityId: 'nCIzipjKBXc87y9rpX8dAA',
          userId: 'u-1',
          ipAddress: '203.0.113.9',
          userAgent: 'python-requests/2.32.5',
          C_Idtyp: 'user',
          ...properties,
        },
      },
      ctx(),
    );

  it("links on the token's sid (C_Sid) and device (C_DeviceId), ignoring an empty device", () => {
    const ev = record({
      timeGenerated: '2025-10-02T08:56:25.071773Z',
      C_Sid: '9dfdecb6-59a0-4714-846e-86c0fc911104',
      C_DeviceId: 'a1b2c3d4-0000-4000-8000-000000000001',
    });
    expect(ev).toMatchObject({
      sessionId: '9dfdecb6-59a0-4714-846e-86c0fc911104',
      deviceId: 'a1b2c3d4-0000-4000-8000-000000000001',
      tokenId: 'nCIzipjKBXc87y9rpX8dAA',
    });
    expect(record({ C_Sid: '9dfdecb6-59a0-4714-846e-86c0fc911104', C_DeviceId: '' }).deviceId).toBeNull();
  });

  it('takes its time from timeGenerated, not the delivery envelope, and says which field was missing otherwise', () => {
    const ev = record({ timeGenerated: '2025-10-02T08:56:25.071773Z' });
    expect(ev.tsUs).toBe(utc(2025, 9, 2, 8, 56, 25) + 71773);
    expect(ev.attrs.timeFallback).toBeUndefined();
    const without = record({});
    expect(without.tsUs).toBe(utc(2025, 9, 2, 9, 1, 0));
    expect(without.attrs.timeFallback?.reason).toBe('timeGenerated is missing');
  });
});

describe('directory audits: role and group membership (finding 2)', () => {
  it('names the role from Role.DisplayName and the member, whichever target comes first', () => {
    const ev = normalizeDirectoryAudit(
      audit({
        category: 'RoleManagement',
        activityDisplayName: 'Add member to role',
        operationType: 'Assign',
        targetResources: [
          {
            id: 'u-bob',
            displayName: 'Bob',
            type: 'User',
            userPrincipalName: 'bob@contoso.com',
            modifiedProperties: [
              mp('Role.ObjectID', '62e90394-69f5-4237-9190-012177145e10'),
              mp('Role.DisplayName', 'Global Administrator'),
              mp('Role.WellKnownObjectName', 'TenantAdmins'),
            ],
          },
          { id: '62e90394-69f5-4237-9190-012177145e10', displayName: null, type: 'Role', modifiedProperties: [] },
        ],
      }),
      ctx(),
    );
    expect(ev.summary).toBe('Add member to role "Global Administrator": bob@contoso.com by admin@contoso.com from 1.2.3.4');
    expect(ev.object).toBe('bob@contoso.com');
    expect(ev.attrs.fields?.['role']).toBe('Global Administrator');
  });

  it('names the group a member left from the old value, and the group target when it comes first', () => {
    const removed = normalizeDirectoryAudit(
      audit({
        category: 'GroupManagement',
        activityDisplayName: 'Remove member from group',
        initiatedBy: { app: { appId: null, displayName: 'Sync App', servicePrincipalId: 'sp-1', servicePrincipalName: null } },
        targetResources: [
          {
            id: 'u-1',
            type: 'User',
            userPrincipalName: 'carol@contoso.com',
            modifiedProperties: [mp('Group.ObjectID', null, 'g-1'), mp('Group.DisplayName', null, 'Finance Approvers')],
          },
          { id: 'g-1', displayName: null, type: 'Group', modifiedProperties: [] },
        ],
      }),
      ctx(),
    );
    expect(removed.summary).toBe('Remove member from group "Finance Approvers": carol@contoso.com by sync app');
    expect(removed.attrs.fields?.['group']).toBe('Finance Approvers');
    // Graph's own example puts the group first and names it only by its display name.
    const added = normalizeDirectoryAudit(
      audit({
        activityDisplayName: 'Add member to group',
        targetResources: [
          { id: 'g-2', displayName: 'Payroll', Type: 'Group', modifiedProperties: [], groupType: 'unifiedGroups' },
          { id: 'u-2', displayName: null, Type: 'User', modifiedProperties: [], userPrincipalName: 'bob@contoso.com' },
        ],
      }),
      ctx(),
    );
    expect(added.summary).toBe('Add member to group "Payroll": bob@contoso.com by admin@contoso.com from 1.2.3.4');
    expect(added.object).toBe('bob@contoso.com');
  });
});

describe('directory audits: the member among other targets', () => {
  it('a PIM role assignment names the user, not the request or the directory listed beside it', () => {
    const ev = normalizeDirectoryAudit(
      audit({
        activityDisplayName: 'Add member to role in PIM completed (permanent)',
        category: 'RoleManagement',
        targetResources: [
          { id: 'role-1', displayName: 'Application Administrator', type: 'Role' },
          { id: '12345', type: 'Request' },
          { id: 'u-7', displayName: 'Malenia', userPrincipalName: 'malenia@contoso.com', type: 'User' },
          { id: 'dir', displayName: 'Directory', type: 'Directory' },
          { id: 'x', type: 'Other' },
        ],
      }),
      ctx(),
    );
    expect(ev.summary).toBe(
      'Add member to role in PIM completed (permanent) "Application Administrator": malenia@contoso.com by admin@contoso.com from 1.2.3.4',
    );
    expect(ev.object).toBe('malenia@contoso.com');
  });

  it('a nested group: the group added is the member, the one its Group.ObjectID names (or the last) the container', () => {
    const targets = [
      { id: 'g-child', displayName: 'Finance team', type: 'Group', modifiedProperties: [mp('Group.ObjectID', 'g-parent')] },
      { id: 'g-parent', displayName: 'All staff', type: 'Group' },
    ];
    const ev = normalizeDirectoryAudit(
      audit({ activityDisplayName: 'Add member to group', category: 'GroupManagement', targetResources: targets }),
      ctx(),
    );
    expect(ev.summary).toBe('Add member to group "All staff": "Finance team" by admin@contoso.com from 1.2.3.4');
    const noId = targets.map((t) => ({ ...t, modifiedProperties: [] }));
    expect(normalizeDirectoryAudit(audit({ activityDisplayName: 'Add member to group', targetResources: noId }), ctx()).summary).toBe(
      'Add member to group "All staff": "Finance team" by admin@contoso.com from 1.2.3.4',
    );
  });

  it("keeps the envelope's category as the record type when the audit's properties have none", () => {
    const ev = normalizeAzureMonitor(
      {
        time: '2025-01-15 09:30:25.123',
        category: 'DirectoryManagement',
        operationName: 'Set federation settings on domain',
        properties: {
          activityDisplayName: 'Set federation settings on domain',
          activityDateTime: '2025-01-15T09:30:25.1234567Z',
          initiatedBy: { user: { userPrincipalName: 'frodo@lotr.com', ipAddress: '2.2.2.2' } },
        },
      },
      ctx(),
    );
    expect(ev).toMatchObject({ source: 'directory-audit', recordType: 'DirectoryManagement', actor: 'frodo@lotr.com' });
  });
});

describe('directory audits: failures and service initiators (finding 3)', () => {
  it('says a failed audit failed, with its reason cut to the exception name', () => {
    const ev = normalizeDirectoryAudit(
      audit({
        category: 'ApplicationManagement',
        activityDisplayName: 'Add service principal',
        result: 'failure',
        resultReason: 'Microsoft.Online.Workflows.SpnValidationException',
        targetResources: [{ id: 'sp-9', displayName: 'Azure AD Identity Protection', type: 'ServicePrincipal', modifiedProperties: [] }],
      }),
      ctx(),
    );
    expect(ev.result).toBe('failure');
    expect(ev.summary).toBe(
      'Add service principal "Azure AD Identity Protection" by admin@contoso.com from 1.2.3.4: failure (SpnValidationException)',
    );
    const invite = normalizeDirectoryAudit(
      audit({
        activityDisplayName: 'Invite external user',
        result: 'failed',
        resultReason: undefined,
        targetResources: [{ id: 'u-9', displayName: 'Zeus.Theboss', type: 'User' }],
      }),
      ctx(),
    );
    expect(invite.summary).toBe('Invite external user "Zeus.Theboss" by admin@contoso.com from 1.2.3.4: failure');
  });

  it("names the envelope's identity as the actor of an Azure Monitor audit whose initiatedBy is empty", () => {
    const ev = normalizeAzureMonitor(
      {
        time: '2019-06-24T09:18:23.5860200Z',
        operationName: 'Add service principal',
        category: 'AuditLogs',
        resultSignature: 'None',
        callerIpAddress: '<null>',
        identity: 'Microsoft Azure AD Internal - Jit Provisioning',
        properties: audit({
          activityDisplayName: 'Add service principal',
          activityDateTime: '2019-06-24T09:18:23.58602+00:00',
          initiatedBy: {},
          result: 'failure',
          resultReason: 'Microsoft.Online.Workflows.SpnValidationException',
          targetResources: [{ id: 'sp-9', displayName: 'Azure AD Identity Protection', type: 'ServicePrincipal' }],
        }),
      },
      ctx(),
    );
    expect(ev.actor).toBe('microsoft azure ad internal - jit provisioning');
    expect(ev.summary).toBe(
      'Add service principal "Azure AD Identity Protection" by microsoft azure ad internal - jit provisioning: failure (SpnValidationException)',
    );
  });
});

describe('directory audits: what an update changed (finding 4)', () => {
  it("lists Entra's Included Updated Properties: MFA method changes show in the summary", () => {
    const ev = normalizeDirectoryAudit(
      audit({
        activityDisplayName: 'Update user',
        targetResources: [
          {
            id: 'u-ceo',
            type: 'User',
            userPrincipalName: 'ceo@contoso.com',
            modifiedProperties: [
              { displayName: 'StrongAuthenticationMethod', oldValue: '[]', newValue: '[{"MethodType":6,"Default":true}]' },
              { displayName: 'StrongAuthenticationPhoneAppDetail', oldValue: '[]', newValue: '[{"DeviceName":"iPhone"}]' },
              mp('Included Updated Properties', 'StrongAuthenticationMethod, StrongAuthenticationPhoneAppDetail'),
              mp('TargetId.UserType', 'Member'),
            ],
          },
        ],
      }),
      ctx(),
    );
    expect(ev.summary).toBe(
      'Update user "ceo@contoso.com" by admin@contoso.com from 1.2.3.4: StrongAuthenticationMethod, StrongAuthenticationPhoneAppDetail',
    );
  });

  it('falls back to the modified property names, keeps the line short, and still reports a failure', () => {
    const names = ['AccountEnabled', 'DisplayName', 'Mobile', 'OtherMails', 'StrongAuthenticationUserDetails', 'UsageLocation', 'JobTitle'];
    const ev = normalizeDirectoryAudit(
      audit({
        activityDisplayName: 'Update user',
        result: 'failure',
        resultReason: 'Insufficient privileges',
        targetResources: [
          {
            id: 'u-ceo',
            type: 'User',
            userPrincipalName: 'ceo@contoso.com',
            modifiedProperties: [...names.map((n) => mp(n, 'x', 'y')), mp('TargetId.UserType', 'Member')],
          },
        ],
      }),
      ctx(),
    );
    expect(ev.summary).toBe(
      'Update user "ceo@contoso.com" by admin@contoso.com from 1.2.3.4: AccountEnabled, DisplayName, Mobile, OtherMails, StrongAuthenticationUserDetails (+2 more); failure (Insufficient privileges)',
    );
    expect(ev.summary).not.toContain('\n');
  });
});

describe('sign-ins: Identity Protection risk in the summary (finding 5)', () => {
  const signin = (risk: Record<string, unknown>) =>
    normalizeSignin(
      {
        id: 's-1',
        createdDateTime: '2026-01-24T06:40:01Z',
        userPrincipalName: 'ceo@contoso.com',
        appDisplayName: 'OfficeHome',
        ipAddress: '185.73.124.135',
        location: { countryOrRegion: 'NL' },
        status: { errorCode: 0 },
        ...risk,
      },
      ctx(),
    ).summary;

  it('adds the level, state and detection types when Entra rated the sign-in', () => {
    expect(
      signin({
        riskLevelDuringSignIn: 'medium',
        riskLevelAggregated: 'none',
        riskState: 'atRisk',
        riskDetail: 'none',
        riskEventTypes_v2: ['unfamiliarFeatures'],
      }),
    ).toBe('Sign-in by ceo@contoso.com to OfficeHome from 185.73.124.135, NL: success, risk medium (atRisk: unfamiliarFeatures)');
    expect(
      signin({
        riskLevelDuringSignIn: 'high',
        riskLevelAggregated: 'high',
        riskState: 'confirmedCompromised',
        riskDetail: 'aiConfirmedSigninCompromised',
        riskEventTypes: ['leakedCredentials', 'anomalousToken'],
      }),
    ).toMatch(/: success, risk high \(confirmedCompromised: leakedCredentials, anomalousToken; aiConfirmedSigninCompromised\)$/);
    // The user's aggregated risk stands in when the sign-in itself was not rated.
    expect(
      signin({
        riskLevelDuringSignIn: 'none',
        riskLevelAggregated: 'high',
        riskState: 'dismissed',
        riskDetail: 'adminDismissedAllRiskForUser',
      }),
    ).toMatch(/, risk high \(dismissed: adminDismissedAllRiskForUser\)$/);
  });

  it('says nothing of risk that is none or hidden (tenants without P2)', () => {
    const plain = 'Sign-in by ceo@contoso.com to OfficeHome from 185.73.124.135, NL: success';
    expect(signin({ riskLevelDuringSignIn: 'none', riskLevelAggregated: 'none', riskState: 'none', riskDetail: 'none' })).toBe(plain);
    expect(signin({ riskLevelDuringSignIn: 'hidden', riskLevelAggregated: 'hidden', riskState: 'none', riskDetail: 'hidden' })).toBe(plain);
  });
});

describe('a failed sign-in without an error code', () => {
  it('says failure, not "failure null"', () => {
    const ev = normalizeSignin(
      {
        id: 's-9',
        createdDateTime: '2026-03-13T09:15:00Z',
        userPrincipalName: 'ceo@contoso.com',
        appDisplayName: 'Office 365',
        ipAddress: '185.73.124.135',
        status: { errorCode: null, failureReason: null, result: 'Failure' },
      },
      ctx(),
    );
    expect(ev.result).toBe('failure');
    expect(ev.summary).toBe('Sign-in by ceo@contoso.com to Office 365 from 185.73.124.135: failure');
  });
});

describe('Azure Monitor risk events (finding 6)', () => {
  const detection = (properties: Record<string, unknown>) =>
    normalizeAzureMonitor(
      {
        time: '3/24/2022 2:42:35 PM',
        operationName: 'User Risk Detection',
        category: 'UserRiskEvents',
        resultSignature: 'None',
        callerIpAddress: '1.2.3.4',
        identity: 'bar foo',
        properties: {
          id: 'risk-1',
          riskEventType: 'unfamiliarFeatures',
          riskLevel: 'low',
          activityDateTime: '2022-03-24T14:40:04.234Z',
          userPrincipalName: 'U@contoso.com',
          ipAddress: '1.2.3.4',
          ...properties,
        },
      },
      ctx(),
    );

  it('has no result (resultSignature None is not one) and shows the state and its detail', () => {
    const ev = detection({ riskState: 'dismissed', riskDetail: 'aiConfirmedSigninSafe' });
    expect(ev.result).toBeNull();
    expect(ev.summary).toBe(
      'User Risk Detection unfamiliarFeatures for u@contoso.com from 1.2.3.4 (low, dismissed: aiConfirmedSigninSafe)',
    );
    expect(detection({ riskState: 'atRisk', riskDetail: 'none' }).summary).toBe(
      'User Risk Detection unfamiliarFeatures for u@contoso.com from 1.2.3.4 (low, atRisk)',
    );
  });
});

describe('directory audits on devices (finding 7)', () => {
  it('links on the Entra device id from additionalDetails, not the object id', () => {
    const ev = normalizeDirectoryAudit(
      audit({
        category: 'Device',
        activityDisplayName: 'Update device',
        initiatedBy: { app: { appId: null, displayName: 'Intune Compliance Client Prod', servicePrincipalId: 'sp-i' }, user: null },
        additionalDetails: [
          { key: 'DeviceId', value: '8c42f011-6105-4269-a64b-6eabc71b2006' },
          { key: 'DeviceOSType', value: 'MacMDM' },
        ],
        targetResources: [
          {
            id: '101b82ba-75ef-45d3-8b66-63672be4fbb4',
            displayName: 'Rob’s MacBook Pro',
            type: 'Device',
            modifiedProperties: [
              { displayName: 'IsCompliant', newValue: '[true]', oldValue: '[false]' },
              mp('Included Updated Properties', 'IsCompliant'),
              mp('TargetId.DeviceId', '8c42f011-6105-4269-a64b-6eabc71b2006'),
            ],
          },
        ],
      }),
      ctx(),
    );
    expect(ev.deviceId).toBe('8c42f011-6105-4269-a64b-6eabc71b2006');
    expect(ev.summary).toBe('Update device "Rob’s MacBook Pro" by intune compliance client prod: IsCompliant');
  });
});

describe('Azure Monitor sign-ins without a status (finding 8)', () => {
  const envelope = (resultType: unknown, extra: Record<string, unknown> = {}) =>
    normalizeAzureMonitor(
      {
        time: '2025-01-15 09:35:45.789',
        operationName: 'Sign-in activity',
        category: 'SignInLogs',
        resultType,
        resultSignature: 'SUCCESS',
        callerIpAddress: '3.3.3.3',
        ...extra,
        properties: {
          id: 's-9',
          createdDateTime: '2025-01-15T09:35:45.7890123Z',
          userPrincipalName: 'aragorn@lotr.com',
          ipAddress: '3.3.3.3',
          isInteractive: true,
        },
      },
      ctx(),
    );

  it("takes the result from the envelope's resultType: 0 is success, an AADSTS code a failure", () => {
    expect(envelope('0')).toMatchObject({ result: 'success', attrs: { signin: { errorCode: 0 } } });
    const failed = envelope(50126, { resultDescription: 'Invalid username or password.' });
    expect(failed).toMatchObject({
      result: 'failure',
      attrs: { signin: { errorCode: 50126, failureReason: 'Invalid username or password.' } },
    });
    expect(failed.summary).toBe('Sign-in by aragorn@lotr.com from 3.3.3.3: failure 50126 Invalid username or password.');
  });
});
