/**
 * Mailbox and directory state at the scenario's `now`: inbox rules, mailbox settings, folders,
 * delegated permission grants and service principals, as Graph returns them (reference §6).
 */
import { bytesFromWords } from '../util/rng';
import { APPS, ATTACKER, BACKUP_APP, CRM_APP, FOLDERS, type FolderKey } from './constants';
import type { BenignRule } from './plan';
import type { Storyline } from './storyline';
import { TAG, folderRestId, folderRestIdByName, gid, words, type Tenant, type User } from './tenant';

export type GraphObject = Record<string, unknown>;

/** Microsoft's own tenant (owner of first-party apps). */
const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/** The state served by the mailbox endpoints. */
export class MailboxState {
  private readonly rulesByUser = new Map<number, BenignRule[]>();
  readonly servicePrincipals: GraphObject[];
  readonly grants: GraphObject[];

  constructor(
    private readonly t: Tenant,
    rules: readonly BenignRule[],
    private readonly story: Storyline | null,
    private readonly nowMs: number,
  ) {
    for (const r of rules) {
      if (r.createdAt >= nowMs) continue;
      const list = this.rulesByUser.get(r.u) ?? [];
      list.push(r);
      this.rulesByUser.set(r.u, list);
    }
    this.servicePrincipals = this.buildServicePrincipals();
    this.grants = this.buildGrants();
  }

  /** Ids of the tenant's well-known service principals. */
  spIds(): { graph: string; exchange: string; manage: string; backup: string; crm: string } {
    const s = this.t.seed;
    return {
      graph: gid(s, TAG.sp, 0, 1),
      backup: gid(s, TAG.sp, 0, 2),
      exchange: gid(s, TAG.sp, 0, 3),
      manage: gid(s, TAG.sp, 0, 4),
      crm: gid(s, TAG.sp, 0, 5),
    };
  }

  /** Inbox rules of a user (Graph `messageRule`s), in sequence order. */
  rules(u: User): GraphObject[] {
    const out: GraphObject[] = [];
    for (const r of this.rulesByUser.get(u.index) ?? []) {
      const base = { id: r.id, displayName: r.name, sequence: r.sequence, isEnabled: true, hasError: false, isReadOnly: false };
      if (r.kind === 'newsletters') {
        out.push({
          ...base,
          conditions: { fromAddresses: [{ emailAddress: { name: 'Industry Weekly', address: 'digest@news.industryweekly.example' } }] },
          actions: { moveToFolder: folderRestIdByName(this.t, u, 'Newsletters'), stopProcessingRules: true },
        });
      } else if (r.kind === 'escalations') {
        out.push({
          ...base,
          conditions: { subjectContains: ['escalation'] },
          actions: { markImportance: 'high', stopProcessingRules: false },
        });
      } else {
        out.push({
          ...base,
          conditions: { subjectContains: ['timesheet'] },
          actions: { assignCategories: ['Admin'], stopProcessingRules: false },
        });
      }
    }
    if (this.story && u.index === this.t.victim) {
      let seq = out.length;
      for (const r of this.story.rules) {
        if (r.createdAt >= this.nowMs) continue;
        out.push({
          id: r.id,
          displayName: r.displayName,
          sequence: ++seq,
          isEnabled: true,
          hasError: false,
          isReadOnly: false,
          conditions: r.conditions,
          actions: r.actions,
        });
      }
    }
    return out;
  }

  /** Custom folders of a user (created by rules). */
  private customFolders(u: User): string[] {
    return (this.rulesByUser.get(u.index) ?? []).some((r) => r.kind === 'newsletters') ? ['Newsletters'] : [];
  }

  /** The user's folders (Graph `mailFolder`s, top level). */
  folders(u: User): GraphObject[] {
    const seedCounts = bytesFromWords(words(this.t.seed, TAG.folder, u.index + 1, 0xffff));
    const out: GraphObject[] = [];
    const keys = Object.keys(FOLDERS) as FolderKey[];
    keys.forEach((k, i) => {
      const total = k === 'inbox' ? 800 + (seedCounts[i]! << 3) : k === 'rss' || k === 'conversationhistory' ? 0 : seedCounts[i]! * 4;
      out.push(this.folderObject(u, folderRestId(this.t, u, k), FOLDERS[k].name, total, k === 'inbox' ? Math.floor(total / 40) : 0));
    });
    for (const name of this.customFolders(u))
      out.push(this.folderObject(u, folderRestIdByName(this.t, u, name), name, 40 + (seedCounts[12]! % 50), 3));
    return out;
  }

  private folderObject(u: User, id: string, displayName: string, total: number, unread: number): GraphObject {
    return {
      id,
      displayName,
      parentFolderId: folderRestIdByName(this.t, u, 'Top of Information Store'),
      childFolderCount: 0,
      unreadItemCount: unread,
      totalItemCount: total,
      sizeInBytes: total * 48_213,
      isHidden: false,
    };
  }

  /** Finds a folder by id or well-known name. */
  folder(u: User, idOrName: string): GraphObject | null {
    const key = idOrName.toLowerCase();
    const all = this.folders(u);
    const wk = (Object.keys(FOLDERS) as FolderKey[]).find((k) => FOLDERS[k].wellKnown === key);
    if (wk) return all.find((f) => f.id === folderRestId(this.t, u, wk)) ?? null;
    return all.find((f) => f.id === idOrName) ?? null;
  }

  /** The user's `mailboxSettings`. */
  settings(u: User): GraphObject {
    const gb = u.place.country === 'GB';
    return {
      archiveFolder: folderRestId(this.t, u, 'archive'),
      timeZone: u.place.timeZone,
      automaticRepliesSetting: {
        status: 'disabled',
        externalAudience: 'all',
        internalReplyMessage: '',
        externalReplyMessage: '',
        scheduledStartDateTime: { dateTime: '2026-01-01T00:00:00.0000000', timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: '2026-01-02T00:00:00.0000000', timeZone: 'UTC' },
      },
      language: { locale: gb ? 'en-GB' : 'en-US', displayName: gb ? 'English (United Kingdom)' : 'English (United States)' },
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '08:00:00.0000000',
        endTime: '17:00:00.0000000',
        timeZone: { name: u.place.timeZone },
      },
      dateFormat: gb ? 'dd/MM/yyyy' : 'M/d/yyyy',
      timeFormat: gb ? 'HH:mm' : 'h:mm tt',
      delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
      userPurpose: 'user',
    };
  }

  /** Graph `user` objects of the directory (mailbox users, then the admin without a mailbox). */
  user(u: User, hasMailbox: boolean): GraphObject {
    return {
      id: u.objectId,
      displayName: u.displayName,
      givenName: u.givenName,
      surname: u.surname,
      userPrincipalName: u.upn,
      mail: hasMailbox ? u.upn : null,
      jobTitle: u.jobTitle,
      officeLocation: u.place.city,
      department: u.department,
      accountEnabled: true,
      businessPhones: [],
      mobilePhone: null,
      preferredLanguage: u.place.country === 'GB' ? 'en-GB' : 'en-US',
    };
  }

  private buildServicePrincipals(): GraphObject[] {
    const ids = this.spIds();
    const t = this.t;
    const sp = (id: string, appId: string, name: string, owner: string, publisher: string, extra: GraphObject = {}): GraphObject => ({
      id,
      appId,
      displayName: name,
      appDisplayName: name,
      appOwnerOrganizationId: owner,
      publisherName: publisher,
      servicePrincipalType: 'Application',
      accountEnabled: true,
      signInAudience: owner === MICROSOFT_TENANT ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
      verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
      replyUrls: [],
      tags: [],
      servicePrincipalNames: [appId],
      ...extra,
    });
    const list: GraphObject[] = [
      sp(ids.graph, APPS.graph.appId, APPS.graph.name, MICROSOFT_TENANT, 'Microsoft Services'),
      sp(ids.exchange, APPS.exchange.appId, APPS.exchange.name, MICROSOFT_TENANT, 'Microsoft Services'),
      sp(ids.manage, APPS.manageApi.appId, APPS.manageApi.name, MICROSOFT_TENANT, 'Microsoft Services'),
      sp(gid(t.seed, TAG.sp, 0, 6), APPS.officeHome.appId, APPS.officeHome.name, MICROSOFT_TENANT, 'Microsoft Services'),
      sp(gid(t.seed, TAG.sp, 0, 7), APPS.outlookWeb.appId, APPS.outlookWeb.name, MICROSOFT_TENANT, 'Microsoft Services'),
      sp(gid(t.seed, TAG.sp, 0, 8), APPS.office.appId, APPS.office.name, MICROSOFT_TENANT, 'Microsoft Services'),
      sp(t.app.servicePrincipalId, t.app.clientId, t.app.displayName, t.tenantId, t.orgName, {
        tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
      }),
      sp(ids.backup, BACKUP_APP.appId, BACKUP_APP.name, t.tenantId, t.orgName, { tags: ['WindowsAzureActiveDirectoryIntegratedApp'] }),
      sp(ids.crm, CRM_APP.appId, CRM_APP.name, gid(t.seed, TAG.sp, 1, 5), CRM_APP.publisher, {
        signInAudience: 'AzureADMultipleOrgs',
        verifiedPublisher: { displayName: CRM_APP.publisher, verifiedPublisherId: '4417281', addedDateTime: '2023-04-11T17:20:45Z' },
        replyUrls: ['https://crm.contoso-connector.example/auth/callback'],
        tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
      }),
    ];
    const st = this.story;
    if (st && st.app.consentedAt < this.nowMs) {
      list.push(
        sp(st.app.servicePrincipalId, ATTACKER.app.appId, ATTACKER.app.name, st.app.appOwnerTenantId, ATTACKER.app.publisher, {
          signInAudience: 'AzureADMultipleOrgs',
          replyUrls: ['https://mail-backup-utility.example/auth/callback'],
          tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
        }),
      );
    }
    return list;
  }

  private buildGrants(): GraphObject[] {
    const ids = this.spIds();
    const t = this.t;
    const gidOf = (k: number): string =>
      bytesFromWords(words(t.seed, TAG.grant, 0, k))
        .toString('base64url')
        .slice(0, 43);
    const list: GraphObject[] = [
      { id: gidOf(1), clientId: ids.crm, consentType: 'AllPrincipals', principalId: null, resourceId: ids.graph, scope: CRM_APP.scopes },
      {
        id: gidOf(2),
        clientId: t.app.servicePrincipalId,
        consentType: 'AllPrincipals',
        principalId: null,
        resourceId: ids.graph,
        scope: 'AuditLog.Read.All AuditLogsQuery.Read.All MailboxSettings.Read Mail.ReadBasic.All Directory.Read.All User.Read',
      },
    ];
    const st = this.story;
    if (st && st.app.consentedAt < this.nowMs) {
      list.push({
        id: st.app.grantId,
        clientId: st.app.servicePrincipalId,
        consentType: 'Principal',
        principalId: t.users[t.victim]!.objectId,
        resourceId: ids.graph,
        scope: ATTACKER.app.scopes,
      });
    }
    return list;
  }

  /** The mailbox-source truth ids: rules and settings per user, then grants and service principals. */
  *ids(users: readonly User[]): Generator<string> {
    for (const u of users) {
      for (const r of this.rules(u)) yield `messageRule:${u.upn}:${String(r.id)}`;
      yield `mailboxSettings:${u.upn}`;
    }
    for (const g of this.grants) yield `oauth2PermissionGrant:${String(g.id)}`;
    for (const s of this.servicePrincipals) yield `servicePrincipal:${String(s.id)}`;
  }
}
