/**
 * A synthetic BEC case as normalized events: ten days of ordinary work for four users of
 * contoso.com, one benign traveller, one benign inbox rule, and on day 8 the compromise of
 * alice@contoso.com (AiTM sign-in from M247 with an axios user agent, hiding rule, MailItemsAccessed
 * Sync and Bind burst, external forwarding, fraudulent send, consent to an unfamiliar mail app, a
 * throttled MailItemsAccessed record). Field shapes follow `src/shared/model/attrs.ts`.
 */
import type { MailAccessAttrs, RuleAttrs } from '../../src/shared/model/attrs';
import type { NormalizedEvent } from '../../src/shared/model/event';
import { ev, HOUR, MIN } from './events';

export const DAY0 = Date.UTC(2026, 0, 5) * 1000;
const DAY = 24 * HOUR;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
export const ATTACKER_IP = '146.70.53.21';
export const OPERATOR_IP = '102.89.34.12';
export const ATTACKER_SESSION = 'a7f0c3d2-0000-4000-8000-00000000a77c';

const HOME: Record<string, string> = {
  'alice@contoso.com': '73.162.10.21',
  'bob@contoso.com': '98.207.44.3',
  'carol@contoso.com': '24.21.77.90',
  'dave@contoso.com': '73.162.200.8',
};

function rule(over: Partial<RuleAttrs> & Pick<RuleAttrs, 'name'>): RuleAttrs {
  return { operation: 'create', id: null, enabled: true, conditions: {}, exceptions: {}, actions: {}, ...over };
}

function access(type: 'Bind' | 'Sync', count: number, folder: string, throttled = false): MailAccessAttrs {
  return {
    accessType: type,
    throttled,
    operationCount: count,
    folders: [{ path: folder, itemCount: count }],
    messageIds:
      type === 'Bind'
        ? Array.from({ length: Math.min(count, 5) }, (_, i) => `<m${i}-${Math.random().toString(36).slice(2)}@contoso.com>`)
        : [],
  };
}

function signin(user: string, ts: number, ip: string, session: string, over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return ev({
    tsUs: ts,
    source: 'signin',
    recordType: 'interactiveUser',
    operation: 'Sign-in',
    category: 'logon',
    actor: user,
    mailbox: null,
    clientIp: ip,
    userAgent: CHROME,
    appId: '4765445b-32c6-49b0-83e6-1d93765276ca',
    sessionId: session,
    summary: `${user} signed in`,
    attrs: {
      signin: {
        errorCode: 0,
        failureReason: null,
        clientAppUsed: 'Browser',
        authenticationProtocol: null,
        authenticationRequirement: 'multiFactorAuthentication',
        signInEventType: 'interactiveUser',
        isInteractive: true,
        conditionalAccessStatus: 'success',
        riskLevel: 'none',
        riskEventTypes: [],
        location: null,
        resourceId: null,
        resourceName: null,
        appName: 'OfficeHome',
      },
    },
    ...over,
  });
}

/** Names of the planted attack steps → predicate over events. */
export interface BecFixture {
  events: NormalizedEvent[];
  /** Record keys of the planted storyline steps. */
  attackKeys: Record<string, string>;
  benignUsers: string[];
}

/** Builds the fixture. */
export function becFixture(): BecFixture {
  const events: NormalizedEvent[] = [];
  const users = Object.keys(HOME);
  for (let d = 0; d < 10; d++) {
    for (const user of users) {
      let ip = HOME[user]!;
      if (user === 'carol@contoso.com' && (d === 6 || d === 7)) ip = `79.200.${10 + d}.15`; // Berlin hotel (Deutsche Telekom)
      const session = `sess-${user.slice(0, 1)}-${d}`;
      const t = DAY0 + d * DAY + 14 * HOUR;
      events.push(signin(user, t, ip, session));
      events.push(
        ev({
          tsUs: t + 20 * MIN,
          actor: user,
          mailbox: user,
          clientIp: ip,
          sessionId: session,
          operation: 'MailItemsAccessed',
          category: 'mail-read',
          recordType: 'ExchangeItemAggregated',
          summary: `${user} read mail`,
          attrs: { mailAccess: access('Bind', 4, '\\Inbox') },
        }),
      );
      events.push(
        ev({
          tsUs: t + 40 * MIN,
          actor: user,
          mailbox: user,
          clientIp: ip,
          sessionId: session,
          operation: 'Send',
          category: 'mail-send',
          summary: `${user} sent "Status update ${d}"`,
          attrs: {
            send: {
              subject: `Status update ${d}`,
              internetMessageId: null,
              recipients: ['team@contoso.com'],
              sendAs: null,
              sendOnBehalfOf: null,
            },
          },
        }),
      );
    }
  }
  // A benign rule (dave files newsletters), a bulk benign read by dave's new Outlook profile.
  events.push(
    ev({
      tsUs: DAY0 + 2 * DAY + 15 * HOUR,
      actor: 'dave@contoso.com',
      mailbox: 'dave@contoso.com',
      clientIp: HOME['dave@contoso.com']!,
      sessionId: 'sess-d-2',
      operation: 'New-InboxRule',
      category: 'rule-change',
      recordType: 'ExchangeAdmin',
      object: 'Newsletters',
      summary: 'New-InboxRule "Newsletters"',
      attrs: {
        rule: rule({
          name: 'Newsletters',
          conditions: { from: ['news@industryweekly.example'] },
          actions: { moveToFolder: 'dave@contoso.com:\\Newsletters' },
        }),
      },
    }),
  );
  for (let i = 0; i < 6; i++) {
    events.push(
      ev({
        tsUs: DAY0 + 3 * DAY + 15 * HOUR + i * MIN,
        actor: 'dave@contoso.com',
        mailbox: 'dave@contoso.com',
        clientIp: HOME['dave@contoso.com']!,
        sessionId: 'sess-d-3',
        operation: 'MailItemsAccessed',
        category: 'mail-read',
        recordType: 'ExchangeItemAggregated',
        summary: 'dave bulk read',
        attrs: { mailAccess: access('Bind', 50, '\\Inbox') },
      }),
    );
  }
  // Password spray against bob from a python script: failed, never succeeded.
  events.push(
    signin('bob@contoso.com', DAY0 + 5 * DAY + 3 * HOUR, '45.9.148.10', 'spray-1', {
      result: 'failure',
      userAgent: 'python-requests/2.31.0',
      attrs: {
        signin: {
          errorCode: 50126,
          failureReason: 'Invalid username or password',
          clientAppUsed: 'Other clients',
          authenticationProtocol: 'ropc',
          authenticationRequirement: null,
          signInEventType: 'interactiveUser',
          isInteractive: true,
          conditionalAccessStatus: 'notApplied',
          riskLevel: 'none',
          riskEventTypes: [],
          location: null,
          resourceId: null,
          resourceName: null,
          appName: null,
        },
      },
    }),
  );

  // The compromise of alice on day 8.
  const t = DAY0 + 8 * DAY + 9 * HOUR;
  const a = 'alice@contoso.com';
  const keys: Record<string, string> = {};
  const step = (name: string, e: NormalizedEvent) => {
    keys[name] = e.recordKey!;
    events.push(e);
  };
  step('signin', signin(a, t, ATTACKER_IP, ATTACKER_SESSION, { userAgent: 'axios/1.7.7' }));
  step(
    'rule',
    ev({
      tsUs: t + 6 * MIN,
      actor: a,
      mailbox: a,
      clientIp: ATTACKER_IP,
      sessionId: ATTACKER_SESSION,
      operation: 'New-InboxRule',
      category: 'rule-change',
      recordType: 'ExchangeAdmin',
      object: '.',
      summary: 'New-InboxRule "."',
      attrs: {
        rule: rule({
          name: '.',
          conditions: { subjectOrBodyContainsWords: ['invoice', 'payment', 'wire'] },
          actions: { moveToFolder: ':\\RSS Feeds', markAsRead: true, stopProcessingRules: true },
        }),
      },
    }),
  );
  step(
    'sync',
    ev({
      tsUs: t + 10 * MIN,
      actor: a,
      mailbox: a,
      clientIp: ATTACKER_IP,
      sessionId: ATTACKER_SESSION,
      operation: 'MailItemsAccessed',
      category: 'mail-read',
      recordType: 'ExchangeItemAggregated',
      summary: 'MailItemsAccessed Sync Inbox',
      attrs: { mailAccess: access('Sync', 1, '\\Inbox') },
    }),
  );
  step(
    'bind',
    ev({
      tsUs: t + 12 * MIN,
      actor: a,
      mailbox: a,
      clientIp: ATTACKER_IP,
      sessionId: ATTACKER_SESSION,
      operation: 'MailItemsAccessed',
      category: 'mail-read',
      recordType: 'ExchangeItemAggregated',
      summary: 'MailItemsAccessed Bind',
      attrs: { mailAccess: access('Bind', 240, '\\Inbox') },
    }),
  );
  step(
    'forwarding',
    ev({
      tsUs: t + 15 * MIN,
      actor: a,
      mailbox: a,
      clientIp: ATTACKER_IP,
      sessionId: ATTACKER_SESSION,
      operation: 'Set-Mailbox',
      category: 'forwarding',
      recordType: 'ExchangeAdmin',
      object: a,
      summary: 'Set-Mailbox forwarding',
      attrs: {
        forwarding: {
          forwardingSmtpAddress: 'remittance.desk@proton-mailbox.example',
          forwardingAddress: null,
          deliverToMailboxAndForward: true,
        },
      },
    }),
  );
  step(
    'consent',
    ev({
      tsUs: t + 20 * MIN,
      source: 'directory-audit',
      actor: a,
      mailbox: null,
      clientIp: ATTACKER_IP,
      sessionId: ATTACKER_SESSION,
      operation: 'Consent to application.',
      category: 'consent',
      recordType: 'AzureActiveDirectory',
      object: 'Mail Backup Utility',
      summary: 'Consent to Mail Backup Utility',
      attrs: {
        consent: {
          appId: 'b2e5c1f4-7d3a-4c9e-9f10-6a8d2e4b7c31',
          appName: 'Mail Backup Utility',
          scopes: ['Mail.Read', 'Mail.ReadWrite', 'Mail.Send', 'offline_access'],
          isAdminConsent: false,
          consentType: 'Principal',
        },
      },
    }),
  );
  step(
    'send',
    ev({
      tsUs: t + 3 * HOUR,
      actor: a,
      mailbox: a,
      clientIp: OPERATOR_IP,
      sessionId: ATTACKER_SESSION,
      operation: 'Send',
      category: 'mail-send',
      summary: 'Send "Updated bank details for invoice 4471"',
      attrs: {
        send: {
          subject: 'Updated bank details for invoice 4471',
          internetMessageId: '<fraud@contoso.com>',
          recipients: ['ap@northwind-traders.example'],
          sendAs: null,
          sendOnBehalfOf: null,
        },
      },
    }),
  );
  // Alice's own activity that day (not attacker's).
  events.push(
    ev({
      tsUs: t + 5 * HOUR,
      actor: a,
      mailbox: a,
      clientIp: HOME[a]!,
      sessionId: 'sess-a-8b',
      operation: 'Send',
      category: 'mail-send',
      summary: 'alice sent lunch plans',
    }),
  );
  // Day 9: Bind auditing throttled on alice's mailbox.
  events.push(
    ev({
      tsUs: t + DAY,
      actor: a,
      mailbox: a,
      clientIp: HOME[a]!,
      sessionId: 'sess-a-9',
      operation: 'MailItemsAccessed',
      category: 'mail-read',
      recordType: 'ExchangeItemAggregated',
      summary: 'MailItemsAccessed throttled',
      attrs: { mailAccess: access('Bind', 1, '\\Inbox', true) },
    }),
  );
  return { events, attackKeys: keys, benignUsers: ['bob@contoso.com', 'carol@contoso.com', 'dave@contoso.com'] };
}
