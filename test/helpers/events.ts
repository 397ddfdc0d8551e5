/**
 * Test helpers for the analysis engine: a temporary case with the analysis schema, and synthetic
 * normalized events written through the real EventWriter (with enrichment from the bundled
 * databases, as ingestion does).
 */
import type { NormalizedEvent } from '../../src/shared/model/event';
import { defaultIpEnricher } from '../../src/core/enrich';
import { refreshIndexes } from '../../src/core/analyze/freshness';
import { EventWriter } from '../../src/core/store/events-repo';
import { m0005Analysis } from '../../src/core/store/migrations/0005-analysis';
import { tempCase } from './case';

/** Minutes → µs. */
export const MIN = 60_000_000;
/** Hours → µs. */
export const HOUR = 60 * MIN;

let seq = 0;

/** A normalized event with sensible defaults (a successful UAL record). */
export function ev(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  seq++;
  return {
    tsUs: Date.UTC(2026, 0, 5, 9) * 1000,
    source: 'ual',
    recordType: 'ExchangeItem',
    operation: 'Send',
    category: 'mail-send',
    actor: 'alice@contoso.com',
    mailbox: 'alice@contoso.com',
    clientIp: null,
    userAgent: null,
    clientApp: null,
    appId: null,
    sessionId: null,
    tokenId: null,
    deviceId: null,
    result: 'success',
    object: null,
    summary: `event ${seq}`,
    recordKey: `ual:test-${seq}-${Math.random().toString(36).slice(2)}`,
    attrs: {},
    raw: '{}',
    ...over,
  };
}

/**
 * A tenant's current OAuth grant as mailbox-state collection records it (no actor, no time of
 * consent): for one user (`Principal`) or the whole organisation (`AllPrincipals`, admin consent).
 */
export function grantEvent(appId: string, scopes: string[], allPrincipals: boolean, over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return ev({
    source: 'mailbox-state',
    actor: null,
    mailbox: null,
    operation: 'OAuth2PermissionGrant',
    category: 'consent',
    attrs: {
      consent: { appId, appName: null, scopes, isAdminConsent: allPrincipals, consentType: allPrincipals ? 'AllPrincipals' : 'Principal' },
    },
    ...over,
  });
}

/**
 * A temporary case ready for analysis with a `write(events)` that stores events with enrichment (as
 * ingestion does) and refreshes the indexes; it returns the new event ids in order. (The 0005 schema
 * is applied here only if a build's migration list lacks it.)
 */
export async function analysisCase() {
  const t = tempCase();
  const db = t.session.db;
  const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'value_counts'`).get();
  if (!has) db.transaction(() => m0005Analysis.up(db)).immediate();
  const evidenceId = (
    await t.session.evidence.add(`fixture ${Math.random()}`, { kind: 'file', origin: { type: 'manual', description: 'fixture' } })
  ).item.id;
  let index = 0;
  const write = (events: NormalizedEvent[]): number[] => {
    const w = new EventWriter(db);
    const enricher = defaultIpEnricher();
    const ids: number[] = [];
    db.transaction(() => {
      for (const e of events) {
        w.write(e, evidenceId, index++, e.clientIp ? enricher.lookup(e.clientIp) : null);
        ids.push((db.prepare('SELECT id FROM events WHERE record_key = ?').get(e.recordKey) as { id: number }).id);
      }
    }).immediate();
    refreshIndexes(db);
    return ids;
  };
  return { ...t, db, evidenceId, write };
}
