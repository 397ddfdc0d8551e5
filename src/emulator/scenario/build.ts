/** Turns an ordinary-activity stub into its exact Microsoft record, using its day plan. */
import { mix32, hashString } from '../util/rng';
import { usLocale, isoMs } from '../util/time';
import { APPS, BACKUP_APP, CLIENTS, SEARCH_TERMS, type ClientKey } from './constants';
import { idOf, msgIds, type Plan, type Stub } from './plan';
import { folderUalId, gid, TAG, type Tenant, type User } from './tenant';
import { activity, type ActivityRecord } from './records/activities';
import { directoryAudit } from './records/audits';
import { signIn, type SignInParams, type SignInRecord } from './records/signins';
import {
  ruleObjectId,
  ualCmdlet,
  ualDeleteItems,
  ualDirectory,
  ualLogon,
  ualMailItemsAccessed,
  ualSend,
  type UalRecord,
} from './records/ual';

/** What a builder needs besides the stub. */
export interface BuildEnv {
  tenant: Tenant;
  plan: Plan;
  /** Benign rules by index (for `ual.rule`). */
  rules: readonly { name: string; kind: 'newsletters' | 'escalations' | 'timesheets' }[];
}

const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

function isOwa(u: User): boolean {
  return u.client !== 'outlookDesktop';
}

function primaryApp(u: User): { appId: string; name: string } {
  return isOwa(u) ? APPS.outlookWeb : APPS.office;
}

function appType(u: User): 'Web' | 'Outlook' {
  return isOwa(u) ? 'Web' : 'Outlook';
}

/** `ip:port` for roughly one record in four (the UAL quirk), from the record id. */
function maybePort(ip: string, id: string): string {
  const h = mix32(hashString(id));
  return h % 4 === 0 ? `${ip}:${1024 + (h % 60000)}` : ip;
}

function userOf(env: BuildEnv, stub: Stub): User {
  return stub.u < 0 ? env.tenant.admin : env.tenant.users[stub.u]!;
}

function signinFor(env: BuildEnv, stub: Stub): SignInRecord {
  const { tenant, plan } = env;
  const ctx = plan.ctx;
  if (stub.k === 'si.sp') {
    return signIn(tenant, {
      id: idOf(stub),
      ms: stub.t,
      type: 'servicePrincipal',
      servicePrincipal: { id: gid(tenant.seed, TAG.sp, 0, 2), name: BACKUP_APP.name },
      app: { appId: BACKUP_APP.appId, name: BACKUP_APP.name },
      resource: APPS.graph,
      ip: BACKUP_APP.ip,
      location: { city: 'Boydton', state: 'Virginia', country: 'US', lat: 36.6676, lon: -78.3875 },
      userAgent: '',
      browser: '',
      os: '',
      clientAppUsed: '',
      sessionId: '',
      uti: gid(tenant.seed, TAG.misc, 7, stub.ld, stub.n).replace(/-/g, '').slice(0, 22),
      correlationId: gid(tenant.seed, TAG.misc, 8, stub.ld, stub.n),
      mfa: false,
    });
  }
  const user = userOf(env, stub);
  const mobile = stub.k === 'si.noninteractive' && stub.a === 1;
  const clientKey: ClientKey = mobile ? 'outlookIos' : user.client;
  const client = CLIENTS[clientKey];
  const app = stub.u < 0 ? APPS.azurePortal : mobile ? APPS.outlookMobile : primaryApp(user);
  const resource = stub.k === 'si.noninteractive' && !mobile && stub.n % 2 === 0 ? APPS.graph : APPS.exchange;
  const p: SignInParams = {
    id: idOf(stub),
    ms: stub.t,
    type: stub.k === 'si.noninteractive' ? 'nonInteractiveUser' : 'interactiveUser',
    user,
    app,
    resource,
    ip: mobile && ctx.where !== 'travel' ? user.homeIp : ctx.ip,
    location: { city: ctx.city, state: ctx.state, country: ctx.country, lat: ctx.lat, lon: ctx.lon },
    userAgent: client.ua,
    browser: client.browser,
    os: client.os,
    clientAppUsed: clientKey === 'outlookDesktop' || mobile ? 'Mobile Apps and Desktop clients' : 'Browser',
    ...(clientKey === 'outlookDesktop' ? { deviceId: user.deviceId } : {}),
    sessionId: mobile ? gid(tenant.seed, TAG.session, stub.u + 1, stub.ld, 4) : ctx.sessionId,
    uti: stub.k === 'si.interactive' ? ctx.uti : gid(tenant.seed, TAG.misc, 9, stub.ld, stub.n).replace(/-/g, '').slice(0, 22),
    correlationId: stub.k === 'si.interactive' ? ctx.correlationId : gid(tenant.seed, TAG.misc, 10, stub.ld, stub.n),
    mfa: stub.k === 'si.interactive',
  };
  if (stub.k === 'si.fail') {
    p.errorCode = 50126;
    p.sessionId = '';
    p.mfa = false;
  }
  return signIn(tenant, p);
}

function ualFor(env: BuildEnv, stub: Stub): UalRecord {
  const { tenant, plan } = env;
  const ctx = plan.ctx;
  const user = userOf(env, stub);
  const client = CLIENTS[user.client];
  const owa = isOwa(user);
  const token = { sessionId: ctx.sessionId, uti: ctx.uti, issuedAt: ctx.signinAt, clientAppId: primaryApp(user).appId };
  const clientInfo = owa ? 'Client=OWA;Action=ViaProxy' : 'Client=MSExchangeRPC';
  switch (stub.k) {
    case 'ual.login':
    case 'ual.loginFail':
      return ualLogon(tenant, {
        id: idOf(stub),
        ms: stub.t,
        user,
        clientIp: maybePort(ctx.ip, idOf(stub)),
        userAgent: client.ua,
        appId: stub.u < 0 ? APPS.azurePortal.appId : primaryApp(user).appId,
        resourceId: APPS.exchange.appId,
        sessionId: stub.k === 'ual.login' ? ctx.sessionId : '',
        os: client.osShort,
        browserType: client.browserType,
        requestType: owa ? 'OAuth2:Authorize' : 'OAuth2:Token',
        interSystemsId: ctx.correlationId,
        success: stub.k === 'ual.login',
        ...(user.client === 'outlookDesktop' ? { deviceId: user.deviceId } : {}),
      });
    case 'ual.bind': {
      const items = (stub.b ?? [])
        .map((i) => plan.msgs[i]!)
        .map((m) => {
          const ids = msgIds(m);
          return { id: ids.ualId, imid: ids.imid, size: m.size };
        });
      return ualMailItemsAccessed(tenant, {
        id: idOf(stub),
        ms: stub.t,
        user,
        ip: ctx.ip,
        clientInfo,
        appId: APPS.exchange.appId,
        clientAppId: primaryApp(user).appId,
        access: 'Bind',
        folders: [{ id: folderUalId(tenant, user, 'inbox'), path: '\\Inbox', items }],
        token,
        sessionId: ctx.sessionId,
      });
    }
    case 'ual.sync': {
      const f = (stub.b?.[0] ?? 0) === 0 ? ('inbox' as const) : ('sentitems' as const);
      return ualMailItemsAccessed(tenant, {
        id: idOf(stub),
        ms: stub.t,
        user,
        ip: ctx.ip,
        clientInfo,
        appId: APPS.exchange.appId,
        clientAppId: APPS.office.appId,
        access: 'Sync',
        folders: [{ id: folderUalId(tenant, user, f), path: f === 'inbox' ? '\\Inbox' : '\\Sent Items' }],
        token: { ...token, clientAppId: APPS.office.appId },
        sessionId: ctx.sessionId,
      });
    }
    case 'ual.send': {
      const s = plan.sent[stub.a]!;
      const sid = msgIds(s);
      return ualSend(tenant, {
        id: idOf(stub),
        ms: stub.t,
        user,
        ip: ctx.ip,
        clientInfo,
        appId: APPS.exchange.appId,
        clientAppId: primaryApp(user).appId,
        sessionId: ctx.sessionId,
        token,
        item: {
          id: sid.ualId,
          imid: sid.imid,
          subject: s.subject,
          size: s.size,
          folderId: folderUalId(tenant, user, 'sentitems'),
          folderPath: '\\Sent Items',
        },
        recipients: [{ address: s.toAddress, name: s.toName }],
      });
    }
    case 'ual.delete': {
      const m = plan.msgs[stub.a]!;
      const mid = msgIds(m);
      return ualDeleteItems(tenant, {
        id: idOf(stub),
        ms: stub.t,
        user,
        ip: ctx.ip,
        clientInfo,
        op: 'MoveToDeletedItems',
        sessionId: ctx.sessionId,
        token,
        appId: APPS.exchange.appId,
        items: [
          {
            id: mid.ualId,
            imid: mid.imid,
            subject: m.subject,
            size: m.size,
            folderId: folderUalId(tenant, user, 'inbox'),
            folderPath: '\\Inbox',
          },
        ],
        folder: { id: folderUalId(tenant, user, 'inbox'), path: '\\Inbox' },
        destFolder: { id: folderUalId(tenant, user, 'deleteditems'), path: '\\Deleted Items' },
      });
    }
    case 'ual.rule': {
      const rule = env.rules[stub.a]!;
      const params: [string, string][] = [
        ['AlwaysDeleteOutlookRulesBlob', 'False'],
        ['Force', 'False'],
        ['Name', rule.name],
      ];
      if (rule.kind === 'newsletters')
        params.push(['From', 'digest@news.industryweekly.example'], ['MoveToFolder', 'Newsletters'], ['StopProcessingRules', 'True']);
      if (rule.kind === 'escalations')
        params.push(['SubjectContainsWords', 'escalation'], ['MarkImportance', 'High'], ['StopProcessingRules', 'False']);
      if (rule.kind === 'timesheets')
        params.push(['SubjectContainsWords', 'timesheet'], ['ApplyCategory', 'Admin'], ['StopProcessingRules', 'False']);
      return ualCmdlet(tenant, {
        id: idOf(stub),
        ms: stub.t,
        user,
        clientIp: maybePort(ctx.ip, `${idOf(stub)}:rule`),
        op: 'New-InboxRule',
        objectId: ruleObjectId(tenant, user, rule.name),
        parameters: params,
        sessionId: ctx.sessionId,
      });
    }
    case 'ual.dir': {
      const ev = plan.dir![stub.a]!;
      const target = tenant.users[ev.target]!;
      const corr = ev.auditId.split('_')[1]!;
      if (ev.kind === 'Update user') {
        return ualDirectory(tenant, {
          id: idOf(stub),
          ms: stub.t,
          actor: tenant.admin,
          op: 'Update user.',
          objectId: target.upn,
          clientIp: ctx.ip,
          userAgent: CLIENTS.edgeWin.ua,
          category: 'User',
          modified: [
            ['TelephoneNumber', `["+1 215 555 ${String(100 + (ev.target % 900)).padStart(4, '0')}"]`, '[]'],
            ['Included Updated Properties', 'TelephoneNumber', ''],
          ],
          target: [
            { ID: `User_${target.objectId}`, Type: 2 },
            { ID: target.objectId, Type: 2 },
            { ID: 'User', Type: 2 },
            { ID: target.upn, Type: 5 },
            { ID: target.puid, Type: 3 },
          ],
          interSystemsId: corr,
        });
      }
      const group = groupOf(tenant, target);
      return ualDirectory(tenant, {
        id: idOf(stub),
        ms: stub.t,
        actor: tenant.admin,
        op: 'Add member to group.',
        objectId: group.id,
        clientIp: ctx.ip,
        userAgent: CLIENTS.edgeWin.ua,
        category: 'Group',
        modified: [
          ['Group.ObjectID', group.id, ''],
          ['Group.DisplayName', group.name, ''],
        ],
        target: [
          { ID: `User_${target.objectId}`, Type: 2 },
          { ID: target.objectId, Type: 2 },
          { ID: 'User', Type: 2 },
          { ID: target.upn, Type: 5 },
        ],
        interSystemsId: corr,
      });
    }
    default:
      throw new Error(`not a UAL stub: ${stub.k}`);
  }
}

function groupOf(t: Tenant, u: User): { id: string; name: string } {
  return { id: gid(t.seed, TAG.misc, 20, hashString(u.department)), name: `${u.department} Team` };
}

function auditFor(env: BuildEnv, stub: Stub): Record<string, unknown> {
  const { tenant, plan } = env;
  const ev = plan.dir![stub.a]!;
  const target = tenant.users[ev.target]!;
  const corr = idOf(stub).split('_')[1]!;
  if (ev.kind === 'Update user') {
    return directoryAudit({
      id: idOf(stub),
      ms: stub.t,
      activity: 'Update user',
      category: 'UserManagement',
      operationType: 'Update',
      correlationId: corr,
      actor: tenant.admin,
      actorIp: plan.ctx.ip,
      userAgent: CLIENTS.edgeWin.ua,
      targets: [
        {
          id: target.objectId,
          displayName: null,
          type: 'User',
          userPrincipalName: target.upn,
          modified: [
            ['TelephoneNumber', '[]', `["+1 215 555 ${String(100 + (ev.target % 900)).padStart(4, '0')}"]`],
            ['Included Updated Properties', null, '"TelephoneNumber"'],
          ],
        },
      ],
    });
  }
  const group = groupOf(tenant, target);
  return directoryAudit({
    id: idOf(stub),
    ms: stub.t,
    activity: 'Add member to group',
    category: 'GroupManagement',
    operationType: 'Assign',
    correlationId: corr,
    actor: tenant.admin,
    actorIp: plan.ctx.ip,
    userAgent: CLIENTS.edgeWin.ua,
    targets: [
      { id: target.objectId, displayName: null, type: 'User', userPrincipalName: target.upn, modified: [] },
      {
        id: group.id,
        displayName: group.name,
        type: 'Group',
        modified: [
          ['Group.ObjectID', null, `"${group.id}"`],
          ['Group.DisplayName', null, `"${group.name}"`],
        ],
      },
    ],
  });
}

function activityFor(env: BuildEnv, stub: Stub): ActivityRecord {
  const { tenant, plan } = env;
  const ctx = plan.ctx;
  const user = userOf(env, stub);
  const client = CLIENTS[user.client];
  const app = appType(user);
  const base = { id: idOf(stub), ms: stub.t, clientSessionId: ctx.clientSessionId };
  switch (stub.k) {
    case 'act.serverLogon':
      return activity({
        ...base,
        type: 'ServerLogon',
        app,
        itemId: '',
        props: [
          ['UserName', user.upn],
          ['ExceptionInfo', ''],
          ['NetworkPresenceLocation', ''],
          ['Result', 'Success'],
          ['UserAgent', client.ua],
          ['ClientIP', ctx.ip],
        ],
      });
    case 'act.logon':
      return activity({
        ...base,
        type: 'Logon',
        app: 'Web',
        itemId: '',
        props: [
          ['Layout', 'Mouse'],
          ['InferenceUiReady', 'True'],
          ['Timezone', user.place.timeZone],
          ['IPAddress', ctx.ip],
          ['Browser', client.browser],
        ],
      });
    case 'act.delivered': {
      const m = plan.msgs[stub.a]!;
      const mid = msgIds(m);
      return activity({
        ...base,
        clientSessionId: ZERO_GUID,
        type: 'MessageDelivered',
        app: 'Exchange',
        itemId: mid.restId,
        props: [
          ['From', m.fromName],
          ['DeliveredToInbox', 'True'],
          ['InferenceClassification', m.internal ? 'Focused' : 'Other'],
          ['DeliveredFolderType', 'Inbox'],
          ['ItemClass', 'IPM.Note'],
          ['Recipients', user.upn],
          ['ConversationId', gid(tenant.seed, TAG.message, stub.u + 1, stub.ld, 1000 + m.i)],
          ['isReply', m.subject.startsWith('Re: ') ? 'True' : 'False'],
          ['InternetMessageId', mid.imid],
          ['ReceivedTime', usLocale(m.t)],
          ['SentTime', isoMs(m.t - 4000)],
          ['SenderSmtpAddress', m.fromAddress],
          ['Subject', m.subject],
        ],
      });
    }
    case 'act.readStart':
    case 'act.readEnd': {
      const m = plan.msgs[stub.a]!;
      return activity({
        ...base,
        type: stub.k === 'act.readStart' ? 'ReadingPaneDisplayStart' : 'ReadingPaneDisplayEnd',
        app,
        itemId: msgIds(m).restId,
        props: [],
      });
    }
    case 'act.markRead': {
      const m = plan.msgs[stub.a]!;
      const mid = msgIds(m);
      return activity({
        ...base,
        type: 'MarkAsRead',
        app,
        itemId: mid.restId,
        props: [
          ['ReceivedTime', usLocale(m.t)],
          ['SenderAddress', m.fromAddress],
          ['InternetMessageId', mid.imid],
          ['SourceFolder', 'Inbox'],
        ],
      });
    }
    case 'act.reply': {
      const s = plan.sent[stub.a]!;
      const m = plan.msgs[s.replyTo]!;
      const mid = msgIds(m);
      return activity({
        ...base,
        type: 'Reply',
        app,
        itemId: mid.restId,
        props: [
          ['ReceivedTime', usLocale(m.t)],
          ['SenderAddress', m.fromAddress],
          ['InternetMessageId', mid.imid],
          ['SourceDefaultFolderType', 'Inbox'],
        ],
      });
    }
    case 'act.sent': {
      const s = plan.sent[stub.a]!;
      const sid = msgIds(s);
      return activity({
        ...base,
        type: 'MessageSent',
        app,
        itemId: sid.restId,
        props: [
          ['InternetMessageId', sid.imid],
          ['Recipients', s.toAddress],
          ['Subject', s.subject],
        ],
      });
    }
    case 'act.delete': {
      const m = plan.msgs[stub.a]!;
      const mid = msgIds(m);
      return activity({
        ...base,
        type: 'Delete',
        app,
        itemId: mid.restId,
        props: [
          ['InternetMessageId', mid.imid],
          ['SourceFolder', 'Inbox'],
        ],
      });
    }
    case 'act.search': {
      const term = SEARCH_TERMS[stub.a] ?? 'report';
      return activity({
        ...base,
        type: 'SearchResult',
        app,
        itemId: '',
        props: searchProps(term, gid(tenant.seed, TAG.misc, 30, stub.ld, stub.n)),
      });
    }
    default:
      throw new Error(`not an activity stub: ${stub.k}`);
  }
}

/** Custom properties of a `SearchResult` activity. */
export function searchProps(term: string, sid: string): [string, string][] {
  return [
    ['Ver', '2'],
    ['App', 'OWA'],
    ['MaxRes', '25'],
    ['Pos', '0'],
    ['Query', `<Query><Text>${term}</Text><Scope>AllFolders</Scope></Query>`],
    ['Sid', sid],
    ['Trunc', 'False'],
  ];
}

/** Builds the record of any stub (storyline stubs carry theirs). */
export function buildStub(env: BuildEnv, stub: Stub): Record<string, unknown> {
  if (stub.rec) return stub.rec;
  switch (stub.src) {
    case 'signins':
      return signinFor(env, stub);
    case 'ual':
      return ualFor(env, stub);
    case 'audits':
      return auditFor(env, stub);
    case 'activities':
      return activityFor(env, stub);
  }
}
