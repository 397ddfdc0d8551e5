/**
 * A synthetic BEC case for the report, export and package tests: one evidence item with audit and
 * sign-in records, normalized events written through the foundation's event writer, one quarantined
 * record and one examiner-added event. Deterministic (fixed clock, fixed data).
 */
import { createHash } from 'node:crypto';
import type { CaseSession } from '../../src/core/case/case-file';
import { CLOUD_HOSTS } from '../../src/core/auth/clouds';
import { EventWriter, indexPendingEvents } from '../../src/core/store/events-repo';
import type { RuleAttrs } from '../../src/shared/model/attrs';
import type { NormalizedEvent } from '../../src/shared/model/event';
import { T0 } from '../helpers/case';

const USERS = ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'];
const IPS: [string, string | null, number | null, string | null][] = [
  ['203.0.113.7', 'NL', 64500, 'Example Hosting B.V.'],
  ['198.51.100.23', 'DE', 64501, 'Example Telecom AG'],
  ['2001:db8::1', 'US', 64502, 'Example Cloud LLC'],
  ['192.0.2.44', null, null, null],
];

/** The inbox rule every `New-InboxRule` of the fixture creates: hides finance mail in RSS Feeds. */
export const RULE: RuleAttrs = {
  operation: 'create',
  name: '..',
  id: null,
  enabled: true,
  conditions: { subjectOrBodyContainsWords: ['invoice', 'payment'] },
  exceptions: {},
  actions: { moveToFolder: 'RSS Feeds', markAsRead: true, stopProcessingRules: true },
};

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The events of the fixture (without ids). */
export function fixtureEvents(count: number): NormalizedEvent[] {
  const r = rng(42);
  const events: NormalizedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const user = USERS[i % USERS.length]!;
    const [ip] = IPS[Math.floor(r() * IPS.length)]!;
    const tsUs = T0 + Math.floor(r() * 5 * 86400) * 1_000_000 + i;
    const kind = i % 5;
    const id = createHash('sha256').update(`rec-${i}`).digest('hex').slice(0, 32);
    if (kind === 0) {
      events.push({
        tsUs,
        source: 'signin',
        recordType: 'interactiveUser',
        operation: 'Sign-in',
        category: 'logon',
        actor: user,
        mailbox: null,
        clientIp: ip,
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        clientApp: 'Browser',
        appId: '00000002-0000-0ff1-ce00-000000000000',
        sessionId: `sess-${i % 7}`,
        tokenId: null,
        deviceId: null,
        result: i % 10 === 0 ? 'failure' : 'success',
        object: 'Office 365 Exchange Online',
        summary: `Sign-in by ${user} from ${ip}`,
        recordKey: `signin:${id}`,
        attrs: {},
        raw: JSON.stringify({ id, userPrincipalName: user, ipAddress: ip }),
      });
    } else {
      const ops = ['MailItemsAccessed', 'New-InboxRule', 'Send', 'Set-Mailbox'] as const;
      const op = ops[kind - 1]!;
      events.push({
        tsUs,
        source: 'ual',
        recordType: 'ExchangeItem',
        operation: op,
        category: op === 'New-InboxRule' ? 'rule-change' : op === 'Send' ? 'mail-send' : op === 'Set-Mailbox' ? 'forwarding' : 'mail-read',
        actor: user,
        mailbox: kind === 3 ? USERS[(i + 1) % USERS.length]! : user,
        clientIp: ip,
        userAgent: null,
        clientApp: null,
        appId: null,
        sessionId: `sess-${i % 7}`,
        tokenId: null,
        deviceId: null,
        result: 'success',
        object: op === 'New-InboxRule' ? '.. "=,;\tRSS' : op === 'Send' ? `=HYPERLINK("http://evil.example/${i}")` : null,
        summary: op === 'New-InboxRule' ? `${user} created inbox rule ".." moving mail to RSS Feeds` : `${op} by ${user}`,
        recordKey: `ual:${id}`,
        attrs: op === 'New-InboxRule' ? { rule: RULE, fields: { Name: '..', MoveToFolder: 'RSS Feeds' } } : {},
        raw: JSON.stringify({ Id: id, Operation: op, UserId: user, ClientIP: ip }),
      });
    }
  }
  return events;
}

/** Fills `session` with the fixture: evidence, events, a quarantined record, a manual event. */
export async function fillCase(session: CaseSession, count = 60): Promise<{ evidenceId: number; eventIds: number[] }> {
  const events = fixtureEvents(count);
  const raw = events.map((e) => e.raw).join('\n');
  const { item } = await session.evidence.add(raw, {
    kind: 'file',
    origin: { type: 'file', path: '/evidence/contoso/AuditLog_2026-01-01.jsonl', member: null },
    declaredCount: count + 1,
  });
  const manualEvidence = await session.evidence.add('Interview with the CFO on 2026-01-03: wire transfer requested by phone.', {
    kind: 'note',
    origin: { type: 'manual', description: 'Examiner note: CFO interview' },
  });
  const writer = new EventWriter(session.db);
  const enrich = new Map(IPS.map(([ip, country, asn, org]) => [ip, country ? { country, asn, asOrg: org } : null]));
  session.db.transaction(() => {
    events.forEach((ev, i) => writer.write(ev, item.id, i, ev.clientIp ? (enrich.get(ev.clientIp) ?? null) : null));
    writer.quarantine(
      item.id,
      count,
      `line ${count + 1}`,
      'CreationTime is not a valid date: "31/02/2026"',
      '{"CreationTime":"31/02/2026"}',
    );
    writer.write(
      {
        tsUs: T0 + 2 * 86400 * 1_000_000 + 9 * 3600 * 1_000_000,
        source: 'manual',
        recordType: null,
        operation: 'Phone call',
        category: 'other',
        actor: 'cfo@contoso.com',
        mailbox: null,
        clientIp: null,
        userAgent: null,
        clientApp: null,
        appId: null,
        sessionId: null,
        tokenId: null,
        deviceId: null,
        result: null,
        object: null,
        summary: 'CFO received a phone call asking to approve the wire transfer',
        recordKey: null,
        attrs: { manual: { note: 'From the interview of 2026-01-03' } },
        raw: '{}',
      },
      manualEvidence.item.id,
      0,
      null,
      true,
    );
    session.evidence.setCounts(item.id, { parsed: count + 1 });
    session.journal.append('import.file', { evidence_id: item.id, imported: count, duplicates: 0, quarantined: 1 });
  })();
  indexPendingEvents(session.db);
  const ids = (session.db.prepare('SELECT id FROM events ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  return { evidenceId: item.id, eventIds: ids };
}

/**
 * Annotates the fixture through the annotation area: events tagged `malicious` (every 7th) and
 * `suspicious` (every 11th), two starred-only events, comments (one looking like a spreadsheet
 * formula, one on two lines) and an examiner-added event.
 */
export async function annotateCase(
  session: CaseSession,
  eventIds: number[],
): Promise<{ malicious: number[]; suspicious: number[]; starredOnly: number[] }> {
  const { tagEvents, starEvent, commentEvent, addManualEvent } = await import('../../src/core/annotate/index');
  const sourced = eventIds.slice(0, -1); // the last id is the fixture's examiner-added event
  const malicious = sourced.filter((_, i) => i % 7 === 3);
  const suspicious = sourced.filter((_, i) => i % 11 === 5);
  tagEvents(session, { ids: malicious, tag: 'malicious' });
  tagEvents(session, { ids: suspicious, tag: 'suspicious' });
  const tagged = new Set([...malicious, ...suspicious]);
  const starredOnly = sourced.filter((id) => !tagged.has(id)).slice(0, 2);
  for (const id of [...starredOnly, malicious[0]!]) starEvent(session, { id, starred: true });
  commentEvent(session, { id: malicious[0]!, text: '=HYPERLINK("http://evil.example","click") looks like the attacker\'s rule' });
  commentEvent(session, { id: malicious[1]!, text: 'Sign-in from hosting ASN.\nSecond line: confirmed with the user.' });
  await addManualEvent(session, {
    atUs: T0 + 3 * 86400 * 1_000_000,
    text: 'Bank recalled the wire transfer',
    actor: 'cfo@contoso.com',
    tags: ['key-event'],
  });
  return { malicious, suspicious, starredOnly };
}

/**
 * Records a finished collection run with two gaps through the collection area's repository, the
 * way a collector does (each gap journaled in the same transaction).
 */
export async function recordCollection(session: CaseSession): Promise<void> {
  const { insertGap, insertRun, setRunState } = await import('../../src/core/store/collect-repo');
  const runId = '3f2a8c1e-0000-4000-8000-000000000001';
  const day = 86400 * 1_000_000;
  session.db.transaction(() => {
    insertRun(session.db, runId, T0 + 6 * day, {
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-555555555555',
      cloud: 'global',
      hosts: CLOUD_HOSTS.global,
      authMode: 'device-code',
      sources: ['signins', 'ual'],
      users: ['alice@contoso.com'],
      fromUs: T0 - 60 * day,
      toUs: T0 + 6 * day,
      options: {},
    });
    const gaps = [
      {
        source: 'signins',
        kind: 'retention',
        fromUs: T0 - 60 * day,
        toUs: T0 - 24 * day,
        target: null,
        detail: 'Sign-ins older than 30 days are no longer kept by Entra ID P1/P2.',
      },
      {
        source: 'ual',
        kind: 'throttled',
        fromUs: T0 + day,
        toUs: T0 + 2 * day,
        target: 'alice@contoso.com',
        detail: 'MailItemsAccessed throttled for alice@contoso.com: Bind auditing stopped for 24 hours.',
      },
    ] as const;
    for (const g of gaps) {
      const entry = session.journal.append('collect.gap', { run_id: runId, ...g });
      insertGap(session.db, { runId, taskId: null, evidenceId: null, recordedAtUs: entry.atUs, custodySeq: entry.seq, ...g });
    }
    setRunState(session.db, runId, 'completed', { finishedAtUs: T0 + 6 * day + 1 });
  })();
}
