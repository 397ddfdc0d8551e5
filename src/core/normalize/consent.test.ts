// Consent and grant activities name the app that received the permissions, not the resource
// (shapes from the OTRF Golden SAML dataset and Sekoia's Entra test records).
import { describe, expect, it } from 'vitest';
import { normalizeDirectoryAudit } from './directory-audit';
import type { NormalizeContext } from './event';
import { normalizeUal } from './ual';

const ctx: NormalizeContext = { raw: '{}', mailbox: null, observedAtUs: 0 };
const mp = (displayName: string, newValue: string | null, oldValue: string | null = null) => ({
  displayName,
  oldValue,
  newValue: newValue === null ? null : JSON.stringify(newValue),
});
const GRAPH_NAMES = '00000003-0000-0000-c000-000000000000/ags.windows.net;00000003-0000-0000-c000-000000000000;https://graph.microsoft.com';

describe('consent attributes', () => {
  it('credits a delegated permission grant to the grantee, on the resource, AllPrincipals as admin consent', () => {
    const ev = normalizeDirectoryAudit(
      {
        id: 'Directory_630d7f0c',
        activityDateTime: '2021-08-02T13:27:20.017Z',
        activityDisplayName: 'Add delegated permission grant',
        initiatedBy: { user: { userPrincipalName: 'pgustavo@simulandlabs.com' } },
        targetResources: [
          {
            id: '401dd906-ea4f-4d41-b762-7e936d222368',
            displayName: 'Microsoft Graph',
            type: 'ServicePrincipal',
            modifiedProperties: [
              mp('DelegatedPermissionGrant.Scope', 'User.Read Mail.ReadWrite', '"User.Read"'),
              mp('DelegatedPermissionGrant.ConsentType', 'AllPrincipals'),
              mp('ServicePrincipal.ObjectID', '0d2f5969-011b-460d-ac74-3291d227d49f'),
              mp('ServicePrincipal.DisplayName', null),
              mp('ServicePrincipal.AppId', null),
              mp('TargetId.ServicePrincipalNames', GRAPH_NAMES),
            ],
          },
          { id: '0d2f5969-011b-460d-ac74-3291d227d49f', displayName: 'SimuLandApp', type: 'ServicePrincipal', modifiedProperties: [] },
        ],
      },
      ctx,
    );
    expect(ev.category).toBe('consent');
    expect(ev.attrs.consent).toEqual({
      appId: null,
      appName: 'SimuLandApp',
      servicePrincipalId: '0d2f5969-011b-460d-ac74-3291d227d49f',
      resourceName: 'Microsoft Graph',
      scopes: ['User.Read', 'Mail.ReadWrite'],
      consentType: 'AllPrincipals',
      isAdminConsent: true,
    });
    expect(ev.summary).toBe(
      'Add delegated permission grant "SimuLandApp" on "Microsoft Graph" by pgustavo@simulandlabs.com: User.Read Mail.ReadWrite (admin consent)',
    );
  });

  it('credits an app role assignment to the service principal that got the role', () => {
    const ev = normalizeDirectoryAudit(
      {
        id: 'Directory_88888888',
        activityDateTime: '2025-10-27T10:15:15.8442646+00:00',
        activityDisplayName: 'Add app role assignment to service principal',
        initiatedBy: { user: { userPrincipalName: 'JDOE-AAD@example.onmicrosoft.com' } },
        targetResources: [
          {
            id: '88888888-8888-8888-8888-888888888888',
            displayName: 'Office 365 Exchange Online',
            type: 'ServicePrincipal',
            modifiedProperties: [
              mp('AppRole.Value', 'SMTP.SendAsApp'),
              mp('ServicePrincipal.ObjectID', '66666666-6666-6666-6666-666666666666'),
              mp('ServicePrincipal.DisplayName', 'Apps_Test_SOC'),
              mp('ServicePrincipal.AppId', '77777777-7777-7777-7777-777777777777'),
              mp('TargetId.ServicePrincipalNames', 'https://outlook.office.com;Office 365 Exchange Online;Microsoft.Exchange'),
            ],
          },
          // The grantee's own target row shows its app id where a name would be.
          { id: '66666666-6666-6666-6666-666666666666', displayName: '77777777-7777-7777-7777-777777777777', type: 'ServicePrincipal' },
        ],
        additionalDetails: [{ key: 'AppId', value: '77777777-7777-7777-7777-777777777777' }],
      },
      ctx,
    );
    expect(ev.attrs.consent).toMatchObject({
      appId: '77777777-7777-7777-7777-777777777777',
      appName: 'Apps_Test_SOC',
      resourceName: 'Office 365 Exchange Online',
      scopes: ['SMTP.SendAsApp'],
    });
  });

  it('keeps Consent to application on the app consented to, its id out of the name list', () => {
    const ev = normalizeUal(
      {
        CreationTime: '2025-11-18T19:56:44',
        Id: '99999999-9999-9999-9999-999999999999',
        Operation: 'Consent to application.',
        RecordType: 8,
        ResultStatus: 'Success',
        Workload: 'AzureActiveDirectory',
        ObjectId: '11111111-1111-1111-1111-111111111111',
        UserId: 'john.doe@example.com',
        ModifiedProperties: [
          { Name: 'ConsentContext.IsAdminConsent', NewValue: 'False', OldValue: '' },
          {
            Name: 'ConsentAction.Permissions',
            NewValue: '[] => [[Id: X, ClientId: 3333, ConsentType: Principal, Scope:  openid profile Mail.Read, CreatedDateTime: ]]; ',
            OldValue: '',
          },
          { Name: 'TargetId.ServicePrincipalNames', NewValue: 'https://app.example;11111111-1111-1111-1111-111111111111', OldValue: '' },
        ],
        Target: [
          { ID: 'ServicePrincipal_33333333', Type: 2 },
          { ID: 'APPNAME', Type: 1 },
        ],
      },
      ctx,
    );
    expect(ev.attrs.consent).toEqual({
      appId: '11111111-1111-1111-1111-111111111111',
      appName: 'APPNAME',
      scopes: ['openid', 'profile', 'Mail.Read'],
      consentType: 'Principal',
      isAdminConsent: false,
    });
    expect(ev.summary).toBe('Consent to application. "APPNAME" by john.doe@example.com: openid profile Mail.Read');
  });
});
