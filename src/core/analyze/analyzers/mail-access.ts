/**
 * Mail access (m365-sources §3.4, §9; Microsoft's MailItemsAccessed forensics guidance):
 * MailItemsAccessed from sessions or IPs flagged elsewhere (what the attacker read), Sync of whole
 * folders from such contexts (assume every item in the folder was taken), Bind bursts (bulk
 * reading), and IsThrottled=True records, which start a 24-hour blind spot reported as a gap.
 */
import type { FindingSeverity } from '../../../shared/model/analysis';
import { eventsByOperation } from '../../store/analysis-repo';
import { contextSeverity, iso, where, type AnalysisEvent, type Analyzer, type AnalyzerFinding } from './types';

/** Bind burst: at least this many items within {@link BURST_WINDOW_US} in one context. */
const BURST_ITEMS = 200;
const BURST_WINDOW_US = 30 * 60_000_000;
const THROTTLE_GAP_US = 24 * 3_600_000_000;
/** Event ids listed per finding at most (the finding says how many there were). */
const MAX_IDS = 500;

interface Ctx {
  mailbox: string;
  key: string;
  events: AnalysisEvent[];
  items: number;
  syncFolders: Set<string>;
  bindItems: number;
  messageIds: Set<string>;
  flagged: boolean;
  /** High when the session / IP came from a high-severity sign-in, medium otherwise. */
  severity: FindingSeverity;
  flaggedWhy: string;
}

function items(e: AnalysisEvent): number {
  const m = e.attrs.mailAccess;
  if (!m) return 1;
  if (m.operationCount !== null && m.operationCount > 0) return m.operationCount;
  const listed = m.folders.reduce((a, f) => a + f.itemCount, 0);
  return listed > 0 ? listed : Math.max(m.messageIds.length, 1);
}

export const mailAccess: Analyzer = {
  id: 'mail-access',
  title: 'Mail access (MailItemsAccessed)',
  description:
    'What was read from sessions or IPs flagged by other analyzers (Sync = whole folders, Bind = listed messages), bursts of Bind access, and IsThrottled blind spots (24 h in which Bind access was not audited) reported as gaps.',
  run(ctx) {
    const contexts = new Map<string, Ctx>();
    const bursts = new Map<string, { events: AnalysisEvent[]; seen: Set<number>; items: number; mailbox: string; where: string }>();
    const windows = new Map<string, { queue: { ts: number; n: number; e: AnalysisEvent }[]; sum: number }>();
    const throttled: AnalysisEvent[] = [];
    for (const e of eventsByOperation(ctx.db, ['MailItemsAccessed'])) {
      const m = e.attrs.mailAccess;
      const mailbox = e.mailbox ?? e.actor ?? 'unknown mailbox';
      if (m?.throttled) throttled.push(e);
      const bySession = !!e.sessionId && ctx.signals.suspiciousSessions.has(e.sessionId);
      const byIp = !!e.clientIp && ctx.signals.suspiciousIps.has(e.clientIp);
      const bad = contextSeverity(ctx, e);
      const n = items(e);
      if (bySession || byIp) {
        const key = `${mailbox}|${bySession ? `session:${e.sessionId}` : `ip:${e.clientIp}`}`;
        const c = contexts.get(key) ?? {
          mailbox,
          key,
          events: [],
          items: 0,
          syncFolders: new Set<string>(),
          bindItems: 0,
          messageIds: new Set<string>(),
          flagged: true,
          severity: bad === 'high' ? 'high' : 'medium',
          flaggedWhy: bySession ? `session ${e.sessionId} opened by an anomalous sign-in` : `IP ${where(e)} of an anomalous sign-in`,
        };
        c.events.push(e);
        c.items += n;
        if (m?.accessType?.toLowerCase() === 'sync') for (const f of m.folders) c.syncFolders.add(f.path ?? '(unnamed folder)');
        else c.bindItems += n;
        for (const id of m?.messageIds ?? []) if (c.messageIds.size < 100_000) c.messageIds.add(id);
        contexts.set(key, c);
      }
      if (m?.accessType?.toLowerCase() === 'bind' || !m?.accessType) {
        // Sliding 30-minute window of Bind items per (mailbox, session or IP).
        const wkey = `${mailbox}|${e.sessionId ?? e.clientIp ?? ''}`;
        const w = windows.get(wkey) ?? { queue: [], sum: 0 };
        w.queue.push({ ts: e.tsUs, n, e });
        w.sum += n;
        while (w.queue.length && w.queue[0]!.ts < e.tsUs - BURST_WINDOW_US) w.sum -= w.queue.shift()!.n;
        windows.set(wkey, w);
        if (w.sum >= BURST_ITEMS) {
          const b = bursts.get(wkey) ?? {
            events: [],
            seen: new Set<number>(),
            items: 0,
            mailbox,
            where: `${e.sessionId ? `session ${e.sessionId}, ` : ''}${where(e)}`,
          };
          for (const q of w.queue) {
            if (b.seen.has(q.e.id)) continue;
            b.seen.add(q.e.id);
            b.events.push(q.e);
            b.items += q.n;
          }
          bursts.set(wkey, b);
        }
      }
    }
    const findings: AnalyzerFinding[] = [];
    for (const c of contexts.values()) {
      const first = c.events[0]!;
      const last = c.events[c.events.length - 1]!;
      const severity = c.severity;
      findings.push({
        fingerprint: `flagged|${c.key}`,
        severity,
        title: `Mail of ${c.mailbox} accessed from a flagged ${c.key.includes('|session:') ? 'session' : 'IP'}`,
        why:
          `${c.events.length} MailItemsAccessed record${c.events.length === 1 ? '' : 's'} (${c.items} item access${c.items === 1 ? '' : 'es'}) between ${iso(first.tsUs)} and ${iso(last.tsUs)} came from the ${c.flaggedWhy}. ` +
          (c.syncFolders.size
            ? `Sync of ${[...c.syncFolders].join(', ')}: a Sync record means the whole folder was downloaded, so assume every item in it was exposed. `
            : '') +
          (c.bindItems
            ? `Bind access to ${c.bindItems} item${c.bindItems === 1 ? '' : 's'}${c.messageIds.size ? ` (${c.messageIds.size} distinct InternetMessageIds listed)` : ''}. `
            : '') +
          'This is the evidence of what the attacker read; it drives data-breach notification decisions.',
        nextSteps: [
          'Export the InternetMessageIds (Bind) and the synced folders (Sync) from these events and list the messages (subject, correspondents, sensitive content).',
          'Assess notification duties for personal or regulated data in those messages.',
          'Check the same session / IP against other mailboxes.',
        ],
        eventIds: c.events.slice(0, MAX_IDS).map((e) => e.id),
        actors: [c.mailbox],
        firstUs: first.tsUs,
        lastUs: last.tsUs,
      });
    }
    for (const [key, b] of bursts) {
      if (contexts.has(key)) continue;
      const first = b.events[0]!;
      const last = b.events[b.events.length - 1]!;
      findings.push({
        fingerprint: `burst|${key}`,
        severity: 'medium',
        title: `Burst of mail access on ${b.mailbox}`,
        why:
          `${b.items} messages were bound (opened or downloaded) within ${BURST_WINDOW_US / 60_000_000} minutes from ${b.where} between ${iso(first.tsUs)} and ${iso(last.tsUs)}. ` +
          'People read a handful of messages at a time; hundreds in minutes is a client or script harvesting the mailbox (also: a new Outlook profile, search indexing or an archiving tool).',
        nextSteps: [
          'Identify the client (ClientInfoString, app id, user agent) and whether the user set up a new device at that time.',
          'Pivot on the session and IP to see what else they did.',
        ],
        eventIds: b.events.slice(0, MAX_IDS).map((e) => e.id),
        actors: [b.mailbox],
        firstUs: first.tsUs,
        lastUs: last.tsUs,
      });
    }
    const gapsByMailbox = new Map<string, AnalysisEvent[]>();
    for (const e of throttled) {
      const mailbox = e.mailbox ?? e.actor ?? 'unknown mailbox';
      const list = gapsByMailbox.get(mailbox) ?? [];
      list.push(e);
      gapsByMailbox.set(mailbox, list);
    }
    for (const [mailbox, list] of gapsByMailbox) {
      // Merge overlapping 24-hour windows into gaps.
      let start = list[0]!.tsUs;
      let end = start + THROTTLE_GAP_US;
      let group: AnalysisEvent[] = [];
      const flush = () => {
        findings.push({
          fingerprint: `gap|${mailbox}|${start}`,
          kind: 'gap',
          severity: 'medium',
          title: `Audit blind spot on ${mailbox}: MailItemsAccessed throttled`,
          why:
            `MailItemsAccessed was throttled (IsThrottled=True) at ${iso(start)}: more than 1,000 records in 24 hours stop Bind auditing for 24 hours, so from ${iso(start)} to ${iso(end)} individual message access is not logged. ` +
            'Absence of Bind records in this window proves nothing; Microsoft advises assuming that all mail accessible in the window was exposed.',
          nextSteps: [
            'Treat every message in the mailbox during the window as potentially accessed when scoping the breach.',
            'Use other sources for the window: sign-ins, Sync records (not throttled), message trace of sent mail.',
          ],
          eventIds: group.map((e) => e.id),
          actors: [mailbox],
          firstUs: start,
          lastUs: end,
        });
      };
      for (const e of list) {
        if (e.tsUs > end) {
          flush();
          start = e.tsUs;
          end = start + THROTTLE_GAP_US;
          group = [];
        }
        group.push(e);
        end = Math.max(end, e.tsUs + THROTTLE_GAP_US);
      }
      flush();
    }
    return findings;
  },
};
