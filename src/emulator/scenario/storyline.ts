/**
 * The BEC storyline of `bec-basic`, planted in the victim's mailbox and identity, and shown
 * consistently in every source: the phishing mail and click (Activities), the AiTM sign-in from a
 * foreign hosting address with a tool user agent (sign-ins, UAL, Activities), MailItemsAccessed
 * Sync and Bind in the attacker's session, hiding and forwarding rules, mailbox forwarding, consent
 * to an unfamiliar app with mail scopes, the app reading mail, the fraudulent send and its cleanup.
 * Every record is built here once (a few dozen) and merged into the hour buckets by the scenario.
 */
import { Rng, bytesFromWords } from '../util/rng';
import { DAY, HOUR, MIN, SEC, isoMs, usLocale, utcDayStart } from '../util/time';
import { APPS, ATTACKER, FOLDERS } from './constants';
import { searchProps } from './build';
import { compareStubs, localDay, planUserDay, type PlanContext, type Stub, type StubSource } from './plan';
import { activity } from './records/activities';
import { directoryAudit } from './records/audits';
import { signIn } from './records/signins';
import {
  ruleObjectId,
  ualCmdlet,
  ualDeleteItems,
  ualDirectory,
  ualLogon,
  ualMailItemsAccessed,
  ualSend,
  type TokenContext,
} from './records/ual';
import { TAG, exchangeId, folderRestId, folderUalId, gid, words, type User } from './tenant';
import type { SourceName, StorylineStep } from '../types';

/** A rule the attacker left in the mailbox (served by Graph messageRules). */
export interface PlantedRule {
  id: string;
  displayName: string;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
  createdAt: number;
}

/** What the storyline adds to the tenant. */
export interface Storyline {
  stubs: Stub[];
  steps: StorylineStep[];
  rules: PlantedRule[];
  /** The consented app's service principal and grant. */
  app: { servicePrincipalId: string; grantId: string; consentedAt: number; appOwnerTenantId: string };
  /** Facts for docs and tests. */
  facts: { victim: string; attackerIps: string[]; sessionId: string; forwardTo: string; attackDay: string };
}

const LINUX_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** The earliest range (days) a storyline fits in. */
export const STORYLINE_MIN_DAYS = 3;

/** The UTC midnight of the attack day: four days before the end, or the first day of short ranges. */
export function attackDay(fromMs: number, toMs: number): number {
  return Math.max(utcDayStart(toMs) - 4 * DAY, utcDayStart(fromMs));
}

/** Plants the storyline; `toMs` is the end of the range (the attack starts four days before it). */
export function buildStoryline(pc: PlanContext, fromMs: number, toMs: number): Storyline {
  const t = pc.tenant;
  const seed = pc.seed;
  const v: User = t.users[t.victim]!;
  const vi = v.index;
  const A = attackDay(fromMs, toMs);
  if (A + 2 * DAY + 11 * HOUR > toMs) throw new Error(`the bec-basic storyline needs at least ${STORYLINE_MIN_DAYS} days`);
  const rng = Rng.at(seed, TAG.story, vi + 1, 0xabc);
  const S = gid(seed, TAG.story, vi + 1, 0, 0);
  const uti = bytesFromWords(words(seed, TAG.story, vi + 1, 0, 1))
    .toString('base64url')
    .slice(0, 22);
  const attackerCs = gid(seed, TAG.story, vi + 1, 0, 2);
  const attackerCs2 = gid(seed, TAG.story, vi + 1, 0, 3);
  const appSessionUti = bytesFromWords(words(seed, TAG.story, vi + 1, 0, 4))
    .toString('base64url')
    .slice(0, 22);
  const spId = gid(seed, TAG.story, vi + 1, 0, 5);
  const grantId = bytesFromWords(words(seed, TAG.story, vi + 1, 0, 6))
    .toString('base64url')
    .slice(0, 43);
  const appOwnerTenantId = gid(seed, TAG.story, vi + 1, 0, 7);
  const graphSpId = gid(seed, TAG.sp, 0, 1);

  const stubs: Stub[] = [];
  const steps: StorylineStep[] = [];
  let n = 0;
  const state: { current: StorylineStep | null } = { current: null };
  const step = (id: string, title: string, technique: string, at: number): void => {
    const created: StorylineStep = { id, title, technique, at: isoMs(at), records: {} };
    state.current = created;
    steps.push(created);
  };
  const add = (src: StubSource, ms: number, rec: Record<string, unknown>): void => {
    const id = String(rec.id ?? rec.Id);
    const t0 = src === 'ual' ? Math.floor(ms / 1000) * 1000 : ms;
    const s: Stub = { src, k: 'story', t: t0, id, u: vi, ld: localDay(v, ms), n: n++, seed, a: -1, rec, step: state.current!.id };
    if (src === 'ual') {
      s.op = String(rec.Operation);
      s.rt = Number(rec.RecordType);
    }
    stubs.push(s);
    const key: SourceName = src;
    (state.current!.records[key] ??= []).push(id);
  };
  const sid = (k: number): string => gid(seed, TAG.story, vi + 1, 1, k);
  const actId = (k: number): string => exchangeId('rest', words(seed, TAG.story, vi + 1, 2, k));
  const auditId = (k: number): { id: string; corr: string } => {
    const corr = gid(seed, TAG.story, vi + 1, 3, k);
    return { id: `Directory_${corr}_${['QX7LP', 'M2V9R', 'K4T8Z'][k % 3]}_${100_000_000 + k * 7919}`, corr };
  };
  const dayCtx = (ms: number) => planUserDay(pc, vi, localDay(v, ms)).ctx;
  const aitmLoc = {
    city: ATTACKER.aitm.city,
    state: ATTACKER.aitm.state,
    country: ATTACKER.aitm.country,
    lat: ATTACKER.aitm.lat,
    lon: ATTACKER.aitm.lon,
  };
  const port = (): number => rng.range(40000, 60999);
  const inbox = { id: folderUalId(t, v, 'inbox'), path: '\\Inbox' };
  const sentF = { id: folderUalId(t, v, 'sentitems'), path: '\\Sent Items' };
  const deletedF = { id: folderUalId(t, v, 'deleteditems'), path: '\\Deleted Items' };

  // 1. The phishing mail arrives and is opened; the link is clicked.
  const phishAt = A + 14 * HOUR + 5 * MIN + 12 * SEC;
  const phishW = words(seed, TAG.story, vi + 1, 4, 0);
  const phish = {
    imid: `<${(phishW[0] >>> 0).toString(16).toUpperCase()}${(phishW[1] >>> 0).toString(16).toUpperCase()}@docsend-secure.example>`,
    restId: exchangeId('rest', phishW),
    subject: 'Remittance advice 0912 - Action Required',
  };
  step(
    'phish-delivered',
    'Phishing mail delivered',
    'A credential-phishing lure ("remittance advice") from an external look-alike sender reaches the finance mailbox.',
    phishAt,
  );
  add(
    'activities',
    phishAt,
    activity({
      id: actId(0),
      ms: phishAt,
      type: 'MessageDelivered',
      app: 'Exchange',
      itemId: phish.restId,
      clientSessionId: '00000000-0000-0000-0000-000000000000',
      props: [
        ['From', ATTACKER.phishSender.name],
        ['DeliveredToInbox', 'True'],
        ['InferenceClassification', 'Focused'],
        ['DeliveredFolderType', 'Inbox'],
        ['ItemClass', 'IPM.Note'],
        ['Recipients', v.upn],
        ['isReply', 'False'],
        ['InternetMessageId', phish.imid],
        ['ReceivedTime', usLocale(phishAt)],
        ['SentTime', isoMs(phishAt - 6000)],
        ['SenderSmtpAddress', ATTACKER.phishSender.address],
        ['Subject', phish.subject],
      ],
    }),
  );
  const clickAt = A + 14 * HOUR + 19 * MIN + 40 * SEC;
  const victimCs = dayCtx(clickAt).clientSessionId;
  step(
    'phish-clicked',
    'Victim opens the lure and clicks its link',
    'The victim reads the phishing mail in Outlook on the web and follows the link to the AiTM page.',
    clickAt,
  );
  add(
    'activities',
    clickAt,
    activity({
      id: actId(1),
      ms: clickAt,
      type: 'ReadingPaneDisplayStart',
      app: 'Web',
      itemId: phish.restId,
      clientSessionId: victimCs,
      props: [],
    }),
  );
  add(
    'activities',
    clickAt + 22 * SEC,
    activity({
      id: actId(2),
      ms: clickAt + 22 * SEC,
      type: 'LinkClicked',
      app: 'Web',
      itemId: phish.restId,
      clientSessionId: victimCs,
      props: [
        ['Url', 'https://docsend-secure.example/v/remittance-0912'],
        ['InternetMessageId', phish.imid],
      ],
    }),
  );
  add(
    'activities',
    clickAt + 30 * SEC,
    activity({
      id: actId(3),
      ms: clickAt + 30 * SEC,
      type: 'ReadingPaneDisplayEnd',
      app: 'Web',
      itemId: phish.restId,
      clientSessionId: victimCs,
      props: [],
    }),
  );

  // 2. Adversary-in-the-middle sign-in from a hosting network abroad, tool user agent.
  const signinAt = A + 14 * HOUR + 21 * MIN + 5 * SEC;
  const token: TokenContext = { sessionId: S, uti, issuedAt: signinAt, clientAppId: APPS.outlookWeb.appId };
  step(
    'aitm-signin',
    'Sign-in from Bulgaria (M247 hosting) with axios user agent',
    'The session cookie is stolen through an adversary-in-the-middle proxy: a successful, MFA-satisfied sign-in from a foreign hosting address minutes after the click, with a tool user agent; the session id then ties every later attacker action together.',
    signinAt,
  );
  add(
    'signins',
    signinAt,
    signIn(t, {
      id: sid(0),
      ms: signinAt,
      type: 'interactiveUser',
      user: v,
      app: APPS.officeHome,
      resource: APPS.exchange,
      ip: ATTACKER.aitm.ip,
      location: aitmLoc,
      userAgent: ATTACKER.aitmUserAgent,
      browser: 'Other',
      os: '',
      clientAppUsed: 'Browser',
      sessionId: S,
      uti,
      correlationId: sid(100),
      mfa: true,
      risk: { level: 'medium', events: ['unfamiliarFeatures'] },
    }),
  );
  add(
    'ual',
    signinAt + 900,
    ualLogon(t, {
      id: sid(1),
      ms: signinAt + 900,
      user: v,
      clientIp: `${ATTACKER.aitm.ip}:${port()}`,
      userAgent: ATTACKER.aitmUserAgent,
      appId: APPS.officeHome.appId,
      resourceId: APPS.exchange.appId,
      sessionId: S,
      os: 'Other',
      browserType: 'Other',
      requestType: 'OAuth2:Authorize',
      interSystemsId: sid(100),
      success: true,
    }),
  );
  add(
    'activities',
    signinAt + 2 * SEC,
    activity({
      id: actId(4),
      ms: signinAt + 2 * SEC,
      type: 'ServerLogon',
      app: 'Web',
      itemId: '',
      clientSessionId: attackerCs,
      props: [
        ['UserName', v.upn],
        ['ExceptionInfo', ''],
        ['NetworkPresenceLocation', ''],
        ['Result', 'Success'],
        ['UserAgent', ATTACKER.aitmUserAgent],
        ['ClientIP', ATTACKER.aitm.ip],
      ],
    }),
  );

  // 3. Whole folders synchronised in the attacker session.
  const syncAt = A + 14 * HOUR + 26 * MIN + 30 * SEC;
  step(
    'mail-sync',
    'MailItemsAccessed Sync of Inbox, Sent Items and Archive',
    'Sync in the attacker session: every item of these folders must be treated as exposed.',
    syncAt,
  );
  (['inbox', 'sentitems', 'archive'] as const).forEach((f, i) => {
    add(
      'ual',
      syncAt + i * 7 * SEC,
      ualMailItemsAccessed(t, {
        id: sid(10 + i),
        ms: syncAt + i * 7 * SEC,
        user: v,
        ip: ATTACKER.aitm.ip,
        clientInfo: 'Client=MSExchangeRPC',
        appId: APPS.exchange.appId,
        clientAppId: APPS.office.appId,
        access: 'Sync',
        folders: [{ id: folderUalId(t, v, f), path: FOLDERS[f].path }],
        token: { ...token, clientAppId: APPS.office.appId },
        sessionId: S,
      }),
    );
  });

  // 4. Searching for money.
  const searchAt = A + 14 * HOUR + 29 * MIN;
  step(
    'mail-search',
    'Searches for "invoice", "payment", "wire transfer"',
    'The attacker searches the mailbox for finance conversations to hijack.',
    searchAt,
  );
  ['invoice', 'payment', 'wire transfer'].forEach((term, i) => {
    add(
      'activities',
      searchAt + i * 41 * SEC,
      activity({
        id: actId(10 + i),
        ms: searchAt + i * 41 * SEC,
        type: 'SearchResult',
        app: 'Web',
        itemId: '',
        clientSessionId: attackerCs,
        props: searchProps(term, gid(seed, TAG.story, vi + 1, 5, i)),
      }),
    );
  });

  // 5. Reading the finance mail, message by message.
  const bindAt = A + 14 * HOUR + 31 * MIN + 10 * SEC;
  step(
    'mail-bind',
    'MailItemsAccessed Bind burst on finance messages',
    'Bind records in the attacker session list the exact messages read (invoices, payment confirmations).',
    bindAt,
  );
  const financeSubjects = [
    'Invoice INV-20418 from Northwind Traders',
    'Payment confirmation for PO 77310',
    'Invoice 48213 from Litware Logistics',
    'Wire transfer schedule - November',
    'RE: Invoice INV-20418',
    'Remittance details update',
    'Vendor bank details form',
  ];
  const financeMsgs = Array.from({ length: 28 }, (_, i) => {
    const w = words(seed, TAG.story, vi + 1, 6, i);
    const dom = i % 3 === 0 ? 'northwind-traders.example' : i % 3 === 1 ? 'litware-logistics.example' : 'fabrikam.example';
    return {
      id: exchangeId('item', w),
      restId: exchangeId('rest', w),
      imid: `<${(w[0] >>> 0).toString(16).toUpperCase()}${(w[1] >>> 0).toString(16).toUpperCase()}@${dom}>`,
      size: 20_000 + (w[2] % 300_000),
      subject: financeSubjects[i % financeSubjects.length]!,
    };
  });
  for (let b = 0; b < 5; b++) {
    const at = bindAt + b * 2 * MIN + 40 * SEC * (b % 2);
    const items = financeMsgs.slice(b * 5, b * 5 + 4 + (b % 3));
    add(
      'ual',
      at,
      ualMailItemsAccessed(t, {
        id: sid(20 + b),
        ms: at,
        user: v,
        ip: ATTACKER.aitm.ip,
        clientInfo: 'Client=OWA;Action=ViaProxy',
        appId: APPS.exchange.appId,
        clientAppId: APPS.outlookWeb.appId,
        access: 'Bind',
        folders: [{ ...inbox, items: items.map((m) => ({ id: m.id, imid: m.imid, size: m.size })) }],
        token,
        sessionId: S,
      }),
    );
  }
  financeMsgs.slice(0, 3).forEach((m, i) => {
    const at = bindAt + i * 53 * SEC;
    add(
      'activities',
      at,
      activity({
        id: actId(20 + i * 2),
        ms: at,
        type: 'ReadingPaneDisplayStart',
        app: 'Web',
        itemId: m.restId,
        clientSessionId: attackerCs,
        props: [],
      }),
    );
    add(
      'activities',
      at + 35 * SEC,
      activity({
        id: actId(21 + i * 2),
        ms: at + 35 * SEC,
        type: 'ReadingPaneDisplayEnd',
        app: 'Web',
        itemId: m.restId,
        clientSessionId: attackerCs,
        props: [],
      }),
    );
  });

  // 6. The hiding rule.
  const ruleAt = A + 14 * HOUR + 48 * MIN + 10 * SEC;
  const ruleId = (k: number): string => {
    const w = words(seed, TAG.story, vi + 1, 7, k);
    return Buffer.from([1, 0, 0, 0, w[0] & 255, (w[0] >>> 8) & 255, (w[0] >>> 16) & 255, (w[0] >>> 24) & 255]).toString('base64');
  };
  const rules: PlantedRule[] = [];
  step(
    'inbox-rule-hide',
    'Inbox rule "." moves invoice/payment mail to RSS Feeds and marks it read',
    'A punctuation-only rule hides replies about invoices and payments from the victim.',
    ruleAt,
  );
  add(
    'ual',
    ruleAt,
    ualCmdlet(t, {
      id: sid(30),
      ms: ruleAt,
      user: v,
      clientIp: `${ATTACKER.aitm.ip}:${port()}`,
      op: 'New-InboxRule',
      objectId: ruleObjectId(t, v, '.'),
      parameters: [
        ['AlwaysDeleteOutlookRulesBlob', 'False'],
        ['Force', 'False'],
        ['MoveToFolder', 'RSS Feeds'],
        ['Name', '.'],
        ['SubjectOrBodyContainsWords', 'invoice;payment'],
        ['MarkAsRead', 'True'],
        ['StopProcessingRules', 'True'],
      ],
      sessionId: S,
      token,
    }),
  );
  rules.push({
    id: ruleId(0),
    displayName: '.',
    conditions: { bodyOrSubjectContains: ['invoice', 'payment'] },
    actions: { moveToFolder: folderRestId(t, v, 'rss'), markAsRead: true, stopProcessingRules: true },
    createdAt: ruleAt,
  });
  state.current!.records.mailbox = [`messageRule:${v.upn}:${ruleId(0)}`];

  // 7. Mailbox forwarding to an outside address.
  const fwdAt = A + 14 * HOUR + 52 * MIN + 40 * SEC;
  step(
    'mailbox-forwarding',
    `Set-Mailbox forwards all mail to ${ATTACKER.forwardTo}`,
    'External SMTP forwarding with a copy kept in the mailbox (only visible in the audit log; Graph does not expose it).',
    fwdAt,
  );
  add(
    'ual',
    fwdAt,
    ualCmdlet(t, {
      id: sid(31),
      ms: fwdAt,
      user: v,
      clientIp: `${ATTACKER.aitm.ip}:${port()}`,
      op: 'Set-Mailbox',
      objectId: v.upn,
      parameters: [
        ['Identity', v.objectId],
        ['ForwardingSmtpAddress', `smtp:${ATTACKER.forwardTo}`],
        ['DeliverToMailboxAndForward', 'True'],
      ],
      sessionId: S,
      token,
    }),
  );

  // 8. A forwarding rule as a second channel.
  const rule2At = A + 14 * HOUR + 55 * MIN + 5 * SEC;
  step(
    'inbox-rule-forward',
    'Inbox rule ".." forwards remittance/bank mail outside',
    'A second punctuation-only rule forwards bank-detail conversations to the attacker.',
    rule2At,
  );
  add(
    'ual',
    rule2At,
    ualCmdlet(t, {
      id: sid(32),
      ms: rule2At,
      user: v,
      clientIp: `${ATTACKER.aitm.ip}:${port()}`,
      op: 'New-InboxRule',
      objectId: ruleObjectId(t, v, '..'),
      parameters: [
        ['AlwaysDeleteOutlookRulesBlob', 'False'],
        ['Force', 'False'],
        ['ForwardTo', ATTACKER.forwardTo],
        ['Name', '..'],
        ['SubjectOrBodyContainsWords', 'remittance;bank details;wire'],
        ['StopProcessingRules', 'False'],
      ],
      sessionId: S,
      token,
    }),
  );
  rules.push({
    id: ruleId(1),
    displayName: '..',
    conditions: { bodyOrSubjectContains: ['remittance', 'bank details', 'wire'] },
    actions: { forwardTo: [{ emailAddress: { name: ATTACKER.forwardTo, address: ATTACKER.forwardTo } }], stopProcessingRules: false },
    createdAt: rule2At,
  });
  state.current!.records.mailbox = [`messageRule:${v.upn}:${ruleId(1)}`];

  // 9. Consent to an unfamiliar app with mail scopes.
  const consentAt = A + 15 * HOUR + 7 * MIN + 30 * SEC;
  step(
    'oauth-consent',
    `Consent to "${ATTACKER.app.name}" with Mail.Read/ReadWrite/Send`,
    'User consent to an unverified multi-tenant app gives the attacker lasting mail access that survives a password reset.',
    consentAt,
  );
  add(
    'signins',
    consentAt - 20 * SEC,
    signIn(t, {
      id: sid(40),
      ms: consentAt - 20 * SEC,
      type: 'interactiveUser',
      user: v,
      app: { appId: ATTACKER.app.appId, name: ATTACKER.app.name },
      resource: APPS.graph,
      ip: ATTACKER.aitm.ip,
      location: aitmLoc,
      userAgent: ATTACKER.aitmUserAgent,
      browser: 'Other',
      os: '',
      clientAppUsed: 'Browser',
      sessionId: S,
      uti: appSessionUti,
      correlationId: sid(101),
      mfa: true,
      risk: { level: 'medium', events: ['unfamiliarFeatures'] },
    }),
  );
  const scopes = ATTACKER.app.scopes;
  const perms = `[] => [[Id: ${grantId}, ClientId: ${spId}, PrincipalId: ${v.objectId}, ResourceId: ${graphSpId}, ConsentType: Principal, Scope:  ${scopes}, CreatedDateTime: , LastModifiedDateTime ]]; `;
  const spTarget = [
    { ID: `ServicePrincipal_${spId}`, Type: 2 },
    { ID: spId, Type: 2 },
    { ID: 'ServicePrincipal', Type: 2 },
    { ID: ATTACKER.app.name, Type: 1 },
    { ID: ATTACKER.app.appId, Type: 2 },
    { ID: ATTACKER.app.appId, Type: 4 },
  ];
  const dirOps: [string, string, [string, string, string][], string][] = [
    [
      'Add service principal.',
      'ServicePrincipal',
      [
        ['AccountEnabled', '[true]', '[]'],
        ['AppPrincipalId', `["${ATTACKER.app.appId}"]`, '[]'],
        ['DisplayName', `["${ATTACKER.app.name}"]`, '[]'],
        ['ServicePrincipalName', `["${ATTACKER.app.appId}"]`, '[]'],
      ],
      'Add service principal',
    ],
    [
      'Add delegated permission grant.',
      'ApplicationManagement',
      [
        ['DelegatedPermissionGrant.Scope', `"${scopes}"`, ''],
        ['DelegatedPermissionGrant.ConsentType', '"Principal"', ''],
        ['ServicePrincipal.ObjectID', `"${spId}"`, ''],
      ],
      'Add delegated permission grant',
    ],
    [
      'Consent to application.',
      'ServicePrincipal',
      [
        ['ConsentContext.IsAdminConsent', 'False', ''],
        ['ConsentContext.IsAppOnly', 'False', ''],
        ['ConsentContext.OnBehalfOfAll', 'False', ''],
        ['ConsentContext.Tags', 'WindowsAzureActiveDirectoryIntegratedApp', ''],
        ['ConsentAction.Permissions', perms, ''],
        ['TargetId.ServicePrincipalNames', ATTACKER.app.appId, ''],
      ],
      'Consent to application',
    ],
  ];
  dirOps.forEach(([op, category, modified, display], i) => {
    const at = consentAt + i * SEC;
    const a = auditId(i);
    add(
      'ual',
      at + 400,
      ualDirectory(t, {
        id: sid(41 + i),
        ms: at + 400,
        actor: v,
        op,
        objectId: spId,
        clientIp: ATTACKER.aitm.ip,
        userAgent: ATTACKER.aitmUserAgent,
        category,
        modified,
        target: spTarget,
        interSystemsId: a.corr,
      }),
    );
    add(
      'audits',
      at,
      directoryAudit({
        id: a.id,
        ms: at,
        activity: display,
        category: 'ApplicationManagement',
        operationType: i === 0 ? 'Add' : i === 1 ? 'Assign' : 'Assign',
        correlationId: a.corr,
        actor: v,
        actorIp: ATTACKER.aitm.ip,
        userAgent: ATTACKER.aitmUserAgent,
        targets: [
          {
            id: spId,
            displayName: ATTACKER.app.name,
            type: 'ServicePrincipal',
            modified: modified.map(([name, nv, ov]) => [name, ov === '' ? null : ov, nv] as [string, string | null, string | null]),
          },
        ],
        extra: [['AppId', ATTACKER.app.appId]],
      }),
    );
  });
  state.current!.records.mailbox = [`servicePrincipal:${spId}`, `oauth2PermissionGrant:${grantId}`];

  // 10. The app reads mail overnight through Graph, in the same session.
  const appAt = A + DAY + 2 * HOUR + 10 * MIN;
  step(
    'app-mail-access',
    `"${ATTACKER.app.name}" reads mail through Graph from a cloud server`,
    'MailItemsAccessed by an unfamiliar client app id with a python-requests user agent, still in the phished session.',
    appAt,
  );
  for (let i = 0; i < 3; i++) {
    const at = appAt + i * 11 * MIN;
    add(
      'signins',
      at,
      signIn(t, {
        id: sid(50 + i),
        ms: at,
        type: 'nonInteractiveUser',
        user: v,
        app: { appId: ATTACKER.app.appId, name: ATTACKER.app.name },
        resource: APPS.graph,
        ip: ATTACKER.appHost.ip,
        location: {
          city: ATTACKER.appHost.city,
          state: ATTACKER.appHost.state,
          country: ATTACKER.appHost.country,
          lat: ATTACKER.appHost.lat,
          lon: ATTACKER.appHost.lon,
        },
        userAgent: ATTACKER.appUserAgent,
        browser: 'Other',
        os: '',
        clientAppUsed: 'Mobile Apps and Desktop clients',
        sessionId: S,
        uti: bytesFromWords(words(seed, TAG.story, vi + 1, 8, i))
          .toString('base64url')
          .slice(0, 22),
        correlationId: sid(102 + i),
        mfa: false,
      }),
    );
  }
  const appToken: TokenContext = { sessionId: S, uti: appSessionUti, issuedAt: appAt, clientAppId: ATTACKER.app.appId };
  for (let b = 0; b < 4; b++) {
    const at = appAt + 2 * MIN + b * 9 * MIN;
    const items = financeMsgs.slice(3 + b * 6, 3 + b * 6 + 6);
    add(
      'ual',
      at,
      ualMailItemsAccessed(t, {
        id: sid(60 + b),
        ms: at,
        user: v,
        ip: ATTACKER.appHost.ip,
        clientInfo: 'Client=REST;Client=RESTSystem;;',
        appId: ATTACKER.app.appId,
        clientAppId: ATTACKER.app.appId,
        access: 'Bind',
        folders: [{ ...inbox, items: items.map((m) => ({ id: m.id, imid: m.imid, size: m.size })) }],
        token: appToken,
        sessionId: S,
      }),
    );
  }

  // 11. The hiding rule at work: the vendor's reply lands in RSS Feeds.
  const hitAt = A + DAY + 16 * HOUR + 40 * MIN + 3 * SEC;
  const hitW = words(seed, TAG.story, vi + 1, 9, 0);
  step(
    'rule-hit',
    'A vendor reply about the invoice is diverted to RSS Feeds',
    'The hiding rule works: the real counterparty\u2019s mail never reaches the victim\u2019s Inbox.',
    hitAt,
  );
  add(
    'activities',
    hitAt,
    activity({
      id: actId(40),
      ms: hitAt,
      type: 'MessageDelivered',
      app: 'Exchange',
      itemId: exchangeId('rest', hitW),
      clientSessionId: '00000000-0000-0000-0000-000000000000',
      props: [
        ['From', 'Accounts Receivable'],
        ['DeliveredToInbox', 'False'],
        ['DeliveredFolderType', 'RssSubscription'],
        ['DeliveredFolderId', folderRestId(t, v, 'rss')],
        ['ItemClass', 'IPM.Note'],
        ['Recipients', v.upn],
        ['isReply', 'True'],
        ['InternetMessageId', `<${(hitW[0] >>> 0).toString(16).toUpperCase()}@northwind-traders.example>`],
        ['ReceivedTime', usLocale(hitAt)],
        ['SentTime', isoMs(hitAt - 5000)],
        ['SenderSmtpAddress', 'accounts.receivable@northwind-traders.example'],
        ['Subject', 'RE: Invoice INV-20418 - payment status'],
      ],
    }),
  );

  // 12. The attacker comes back from another country, same session.
  const backAt = A + 2 * DAY + 10 * HOUR + 5 * MIN + 20 * SEC;
  const opLoc = {
    city: ATTACKER.operator.city,
    state: ATTACKER.operator.state,
    country: ATTACKER.operator.country,
    lat: ATTACKER.operator.lat,
    lon: ATTACKER.operator.lon,
  };
  step(
    'attacker-return',
    'Session reused from Nigeria (MTN mobile)',
    'The stolen session is refreshed from a second country: same session id, new IP.',
    backAt,
  );
  add(
    'signins',
    backAt,
    signIn(t, {
      id: sid(70),
      ms: backAt,
      type: 'nonInteractiveUser',
      user: v,
      app: APPS.outlookWeb,
      resource: APPS.exchange,
      ip: ATTACKER.operator.ip,
      location: opLoc,
      userAgent: LINUX_CHROME,
      browser: 'Chrome 126.0.0',
      os: 'Linux',
      clientAppUsed: 'Browser',
      sessionId: S,
      uti: bytesFromWords(words(seed, TAG.story, vi + 1, 8, 9))
        .toString('base64url')
        .slice(0, 22),
      correlationId: sid(110),
      mfa: false,
    }),
  );
  add(
    'activities',
    backAt + 3 * SEC,
    activity({
      id: actId(50),
      ms: backAt + 3 * SEC,
      type: 'ServerLogon',
      app: 'Web',
      itemId: '',
      clientSessionId: attackerCs2,
      props: [
        ['UserName', v.upn],
        ['ExceptionInfo', ''],
        ['NetworkPresenceLocation', ''],
        ['Result', 'Success'],
        ['UserAgent', LINUX_CHROME],
        ['ClientIP', ATTACKER.operator.ip],
      ],
    }),
  );

  // 13. The fraudulent mail.
  const sendAt = A + 2 * DAY + 10 * HOUR + 12 * MIN + 44 * SEC;
  const fw = words(seed, TAG.story, vi + 1, 10, 0);
  const fraud = {
    ualId: exchangeId('item', fw),
    restId: exchangeId('rest', fw),
    imid: `<${(fw[0] >>> 0).toString(16).toUpperCase()}${(fw[1] >>> 0).toString(16).toUpperCase()}@${t.server}.namprd${String(10 + (seed % 8)).padStart(2, '0')}.prod.outlook.com>`,
    subject: 'RE: Invoice INV-20418 - updated remittance details',
    size: 48_211,
    to: { address: 'ap@adventure-works.example', name: 'Christina Berglund' },
  };
  const opToken: TokenContext = { sessionId: S, uti, issuedAt: backAt, clientAppId: APPS.outlookWeb.appId };
  step(
    'fraud-send',
    'Fraudulent "updated remittance details" mail sent',
    'The attacker replies in a real invoice thread asking the customer to pay a new bank account.',
    sendAt,
  );
  add(
    'activities',
    sendAt - 95 * SEC,
    activity({
      id: actId(51),
      ms: sendAt - 95 * SEC,
      type: 'Reply',
      app: 'Web',
      itemId: financeMsgs[0]!.restId,
      clientSessionId: attackerCs2,
      props: [
        ['ReceivedTime', usLocale(A - 3 * DAY + 15 * HOUR)],
        ['SenderAddress', 'accounts.receivable@northwind-traders.example'],
        ['InternetMessageId', financeMsgs[0]!.imid],
        ['SourceDefaultFolderType', 'Inbox'],
      ],
    }),
  );
  add(
    'ual',
    sendAt,
    ualSend(t, {
      id: sid(71),
      ms: sendAt,
      user: v,
      ip: ATTACKER.operator.ip,
      clientInfo: 'Client=OWA;Action=ViaProxy',
      appId: APPS.exchange.appId,
      clientAppId: APPS.outlookWeb.appId,
      sessionId: S,
      token: opToken,
      item: { id: fraud.ualId, imid: fraud.imid, subject: fraud.subject, size: fraud.size, folderId: sentF.id, folderPath: sentF.path },
      recipients: [fraud.to],
    }),
  );
  add(
    'activities',
    sendAt + 800,
    activity({
      id: actId(52),
      ms: sendAt + 800,
      type: 'MessageSent',
      app: 'Web',
      itemId: fraud.restId,
      clientSessionId: attackerCs2,
      props: [
        ['InternetMessageId', fraud.imid],
        ['Recipients', fraud.to.address],
        ['Subject', fraud.subject],
      ],
    }),
  );

  // 14. Cleaning up the evidence in Sent Items.
  const hideAt = A + 2 * DAY + 10 * HOUR + 14 * MIN + 2 * SEC;
  step(
    'hide-sent',
    'Fraudulent mail deleted from Sent Items, then from Deleted Items',
    'The attacker removes the sent message so the victim does not notice it.',
    hideAt,
  );
  const fraudItem = {
    id: fraud.ualId,
    imid: fraud.imid,
    subject: fraud.subject,
    size: fraud.size,
    folderId: sentF.id,
    folderPath: sentF.path,
  };
  add(
    'ual',
    hideAt,
    ualDeleteItems(t, {
      id: sid(72),
      ms: hideAt,
      user: v,
      ip: ATTACKER.operator.ip,
      clientInfo: 'Client=OWA;Action=ViaProxy',
      op: 'MoveToDeletedItems',
      sessionId: S,
      token: opToken,
      appId: APPS.exchange.appId,
      items: [fraudItem],
      folder: sentF,
      destFolder: deletedF,
    }),
  );
  add(
    'activities',
    hideAt + 600,
    activity({
      id: actId(53),
      ms: hideAt + 600,
      type: 'Delete',
      app: 'Web',
      itemId: fraud.restId,
      clientSessionId: attackerCs2,
      props: [
        ['InternetMessageId', fraud.imid],
        ['SourceFolder', 'Sent Items'],
      ],
    }),
  );
  add(
    'ual',
    hideAt + 28 * SEC,
    ualDeleteItems(t, {
      id: sid(73),
      ms: hideAt + 28 * SEC,
      user: v,
      ip: ATTACKER.operator.ip,
      clientInfo: 'Client=OWA;Action=ViaProxy',
      op: 'SoftDelete',
      sessionId: S,
      token: opToken,
      appId: APPS.exchange.appId,
      items: [{ ...fraudItem, folderId: deletedF.id, folderPath: deletedF.path }],
      folder: deletedF,
    }),
  );

  stubs.sort(compareStubs);
  return {
    stubs,
    steps,
    rules,
    app: { servicePrincipalId: spId, grantId, consentedAt: consentAt, appOwnerTenantId },
    facts: {
      victim: v.upn,
      attackerIps: [ATTACKER.aitm.ip, ATTACKER.operator.ip, ATTACKER.appHost.ip],
      sessionId: S,
      forwardTo: ATTACKER.forwardTo,
      attackDay: isoMs(A).slice(0, 10),
    },
  };
}
