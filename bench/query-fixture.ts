/**
 * Synthetic cases for the query benchmark: N events over 90 days for a tenant of users, written
 * through the real EventWriter (with offline enrichment, as ingestion does) in 50k-row transactions,
 * then indexed in bulk. Deterministic (seeded), realistic mixes of operations, IPs, sessions and
 * user agents, and a small attacker thread so the analyzers have something to find.
 */
import { createCase, type CaseSession } from '../src/core/case/case-file';
import { refreshIndexes } from '../src/core/analyze/freshness';
import { runAnalyzers } from '../src/core/analyze/run';
import { defaultIpEnricher } from '../src/core/enrich';
import { EventWriter } from '../src/core/store/events-repo';
import { m0005Analysis } from '../src/core/store/migrations/0005-analysis';
import type { EventAttrs } from '../src/shared/model/attrs';
import type { EventCategory, EventSource, NormalizedEvent } from '../src/shared/model/event';

/** A generated case, open. */
export interface GeneratedCase {
  session: CaseSession;
  events: number;
  fromUs: number;
  toUs: number;
  generateSec: number;
  insertSec: number;
  indexSec: number;
  sample: { actor: string; ip: string; session: string };
}

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)',
  'Outlook-iOS/2.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];
const SUBJECTS = [
  'Quarterly report',
  'Invoice 4471 attached',
  'Payment schedule',
  'Lunch on Thursday?',
  'Wire transfer confirmation',
  'Team offsite agenda',
  'Re: contract renewal',
  'Shipment delayed',
];
const HOME_NETS = ['73.162', '98.207', '24.21', '71.105', '82.14', '86.150'];

/** Categories with their weight, operation, source. */
const MIX: { w: number; category: EventCategory; operation: string; source: EventSource }[] = [
  { w: 55, category: 'mail-read', operation: 'MailItemsAccessed', source: 'ual' },
  { w: 15, category: 'logon', operation: 'Sign-in', source: 'signin' },
  { w: 10, category: 'mail-send', operation: 'Send', source: 'ual' },
  { w: 8, category: 'mail-delete', operation: 'MoveToDeletedItems', source: 'ual' },
  { w: 7.6, category: 'other', operation: 'Update', source: 'ual' },
  { w: 2, category: 'admin', operation: 'Set-MailboxFolderPermission', source: 'ual' },
  { w: 1.6, category: 'search', operation: 'SearchQueryInitiatedExchange', source: 'ual' },
  { w: 0.3, category: 'rule-change', operation: 'New-InboxRule', source: 'ual' },
  { w: 0.05, category: 'forwarding', operation: 'Set-Mailbox', source: 'ual' },
  { w: 0.02, category: 'consent', operation: 'Consent to application.', source: 'directory-audit' },
];

/** Generates a case of `n` events at `file`. */
export async function generateCase(file: string, n: number, log: (l: string) => void): Promise<GeneratedCase> {
  const t0 = performance.now();
  const session = createCase({ file, name: 'query bench', examiner: 'bench', passphrase: 'bench', force: true });
  const db = session.db;
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'value_counts'`).get()) db.transaction(() => m0005Analysis.up(db)).immediate();
  db.pragma('cache_size=-262144');
  const evidenceId = (
    await session.evidence.add(`bench ${n}`, { kind: 'file', origin: { type: 'manual', description: 'synthetic benchmark data' } })
  ).item.id;
  const rand = rng(42);
  const users = Math.min(2000, Math.max(50, Math.round(n / 2000)));
  const actors = Array.from({ length: users }, (_, i) => `user${i}@contoso.com`);
  const homeIp = actors.map((_, i) =>
    [0, 1].map((k) => `${HOME_NETS[(i + k) % HOME_NETS.length]}.${(i * 7 + k * 13) % 250}.${((i * 31 + k) % 250) + 1}`),
  );
  const pool = Array.from({ length: 5000 }, (_, i) => `${(i % 200) + 11}.${(i * 17) % 250}.${(i * 29) % 250}.${(i % 250) + 1}`);
  const span = 90 * 86_400_000_000;
  const fromUs = Date.UTC(2026, 0, 1) * 1000;
  const total = MIX.reduce((a, m) => a + m.w, 0);
  const enricher = defaultIpEnricher();
  const writer = new EventWriter(db);
  const batch = 50_000;
  const tInsert = performance.now();
  for (let start = 0; start < n; start += batch) {
    db.transaction(() => {
      for (let i = start; i < Math.min(n, start + batch); i++) {
        const tsUs = fromUs + Math.floor((i / n) * span) + Math.floor(rand() * 1_000_000);
        // Zipf-ish: a few heavy users.
        const u = Math.min(users - 1, Math.floor(users * rand() ** 2));
        const actor = actors[u]!;
        let r = rand() * total;
        let m = MIX[0]!;
        for (const x of MIX) {
          if ((r -= x.w) <= 0) {
            m = x;
            break;
          }
        }
        const day = Math.floor((tsUs - fromUs) / 86_400_000_000);
        const roll = rand();
        const attacker = roll < 0.0005;
        const ip = attacker
          ? `185.220.${Math.floor(rand() * 4)}.${Math.floor(rand() * 250) + 1}`
          : roll < 0.02
            ? pool[Math.floor(rand() * pool.length)]!
            : homeIp[u]![Math.floor(rand() * 2)]!;
        const ua = attacker && rand() < 0.5 ? 'python-requests/2.31.0' : UAS[(u + day) % UAS.length]!;
        const sessionId = attacker ? `atk-${day}` : `s-${u}-${day}`;
        const subject = SUBJECTS[Math.floor(rand() * SUBJECTS.length)]!;
        const attrs: EventAttrs = {};
        if (m.category === 'mail-read')
          attrs.mailAccess = {
            accessType: rand() < 0.1 ? 'Sync' : 'Bind',
            throttled: false,
            operationCount: 1 + Math.floor(rand() * 8),
            folders: [{ path: '\\Inbox', itemCount: 1 }],
            messageIds: [],
          };
        else if (m.category === 'mail-send')
          attrs.send = { subject, internetMessageId: null, recipients: ['partner@northwind.example'], sendAs: null, sendOnBehalfOf: null };
        else if (m.category === 'rule-change')
          attrs.rule = {
            operation: 'create',
            name: attacker ? '.' : 'Newsletters',
            id: null,
            enabled: true,
            conditions: attacker ? { subjectContainsWords: ['invoice'] } : { from: ['news@x.example'] },
            exceptions: {},
            actions: attacker ? { moveToFolder: 'RSS Feeds', markAsRead: true } : { moveToFolder: 'Newsletters' },
          };
        else if (m.category === 'forwarding')
          attrs.forwarding = {
            forwardingSmtpAddress: attacker ? 'drop@evil.example' : 'assistant@contoso.com',
            forwardingAddress: null,
            deliverToMailboxAndForward: true,
          };
        else if (m.category === 'consent')
          attrs.consent = {
            appId: attacker ? 'b2e5c1f4-7d3a-4c9e-9f10-6a8d2e4b7c31' : 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
            appName: attacker ? 'Mail Backup Utility' : 'Microsoft Office',
            scopes: ['Mail.Read'],
            isAdminConsent: false,
            consentType: 'Principal',
          };
        else if (m.category === 'logon')
          attrs.signin = {
            errorCode: rand() < 0.05 ? 50126 : 0,
            failureReason: null,
            clientAppUsed: 'Browser',
            authenticationProtocol: null,
            authenticationRequirement: null,
            signInEventType: 'interactiveUser',
            isInteractive: true,
            conditionalAccessStatus: null,
            riskLevel: null,
            riskEventTypes: [],
            location: null,
            resourceId: null,
            resourceName: null,
            appName: null,
          };
        const ev: NormalizedEvent = {
          tsUs,
          source: m.source,
          recordType: null,
          operation: m.operation,
          category: m.category,
          actor,
          mailbox: actor,
          clientIp: ip,
          userAgent: ua,
          clientApp: null,
          appId: null,
          sessionId,
          tokenId: null,
          deviceId: null,
          result: m.category === 'logon' && attrs.signin?.errorCode ? 'failure' : 'success',
          object: m.category === 'mail-send' ? subject : null,
          summary: `${m.operation} by ${actor}${m.category === 'mail-send' ? ` "${subject}"` : ''}`,
          recordKey: `ual:bench-${i}`,
          attrs,
          raw: '{}',
        };
        writer.write(ev, evidenceId, i, enricher.lookup(ip));
      }
    }).immediate();
    if ((start / batch) % 20 === 19) log(`  ${Math.min(n, start + batch).toLocaleString('en-US')} events written`);
  }
  const insertSec = (performance.now() - tInsert) / 1000;
  const tIndex = performance.now();
  refreshIndexes(db, enricher);
  const indexSec = (performance.now() - tIndex) / 1000;
  db.pragma('cache_size=-16384');
  return {
    session,
    events: n,
    fromUs,
    toUs: fromUs + span,
    generateSec: (performance.now() - t0) / 1000,
    insertSec,
    indexSec,
    sample: { actor: actors[Math.floor(users / 3)]!, ip: homeIp[Math.floor(users / 3)]![0]!, session: `s-${Math.floor(users / 3)}-45` },
  };
}

/** Runs every analyzer; returns the finding counts. */
export function analyzeForBench(session: CaseSession): { findings: number; high: number } {
  const r = runAnalyzers(session);
  return { findings: r.findings.length, high: r.counts.high };
}
