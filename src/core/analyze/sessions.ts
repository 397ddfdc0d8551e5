/**
 * Sessions: events grouped by Entra session id (`SessionId` / `AADSessionId` / sign-in
 * `sessionId`), else by token id (`UniqueTokenId` / `uniqueTokenIdentifier`, joined to the session
 * of the sign-in that issued the token when known), else heuristically by (actor, IP, user agent)
 * with a gap. Joining sign-ins to UAL records this way follows the linkable identifiers of
 * m365-sources §10.1.
 */
import type { SessionSummary } from '../../shared/model/analysis';
import type { CaseSession } from '../case/case-file';
import { eventIdsInFindings, sessionRows, type SessionRow } from '../store/analysis-repo';
import { eventIdsWithTags } from '../store/annotations-repo';
import { ensureFresh } from './freshness';
import { quoteValue } from './query/parse';
import { CONFIRMED_BAD_TAGS } from './run';

/** Options of {@link buildSessions}. */
export interface SessionOptions {
  /** Only sessions involving this actor (lower-cased UPN). */
  actor?: string | undefined;
  /** Heuristic sessions end after this much inactivity (default 30 minutes). */
  gapUs?: number | undefined;
  /** Most sessions returned, newest first (default 1000). */
  limit?: number | undefined;
  /** Only sessions flagged by tags or high findings. */
  flaggedOnly?: boolean | undefined;
}

interface Acc {
  key: string;
  basis: SessionSummary['basis'];
  sessionId: string | null;
  actors: Set<string>;
  firstUs: number;
  lastUs: number;
  events: number;
  ips: Set<string>;
  countries: Set<string>;
  uas: Set<string>;
  apps: Set<string>;
  ops: Map<string, number>;
  sources: Set<string>;
  signins: number[];
  flagged: boolean;
  query: string;
}

const DEFAULT_GAP_US = 30 * 60_000_000;

/** Builds sessions over the case (or one actor), newest first. */
export function buildSessions(session: Pick<CaseSession, 'db' | 'readOnly'>, options: SessionOptions = {}): SessionSummary[] {
  ensureFresh(session);
  const db = session.db;
  const gap = options.gapUs ?? DEFAULT_GAP_US;
  const bad = new Set([...eventIdsWithTags(db, CONFIRMED_BAD_TAGS), ...eventIdsInFindings(db, 'high')]);
  // Token → session, from events that carry both (sign-ins, UAL AppAccessContext).
  const rows: SessionRow[] = [...sessionRows(db, options.actor)];
  const tokenSession = new Map<string, string>();
  for (const r of rows) if (r[10] && r[11] && !tokenSession.has(r[11])) tokenSession.set(r[11], r[10]);
  // With an actor filter, the issuing sign-in may have no actor column; look tokens up across the case.
  const sessions = new Map<string, Acc>();
  const openHeuristic = new Map<string, Acc>();
  const acc = (key: string, basis: Acc['basis'], sessionId: string | null, query: string, ts: number): Acc => {
    let a = sessions.get(key);
    if (!a) {
      a = {
        key,
        basis,
        sessionId,
        actors: new Set(),
        firstUs: ts,
        lastUs: ts,
        events: 0,
        ips: new Set(),
        countries: new Set(),
        uas: new Set(),
        apps: new Set(),
        ops: new Map(),
        sources: new Set(),
        signins: [],
        flagged: false,
        query,
      };
      sessions.set(key, a);
    }
    return a;
  };
  for (const r of rows) {
    const [id, ts, source, operation, category, actor, ip, country, ua, app, sid, uti] = r;
    // Point-in-time state snapshots and examiner notes are not activity of a session.
    if (source === 'mailbox-state' || source === 'manual') continue;
    let a: Acc;
    const joined = sid ?? (uti ? tokenSession.get(uti) : undefined);
    if (joined) a = acc(`sid:${joined}`, 'session-id', joined, `session:${quoteValue(joined)}`, ts);
    else if (uti) a = acc(`uti:${uti}`, 'token-id', null, `token:${quoteValue(uti)}`, ts);
    else {
      // Without an actor or an address there is nothing to tie a record to anyone's session.
      if (!actor && !ip) continue;
      const hk = `${actor ?? ''}|${ip ?? ''}|${ua ?? ''}`;
      let open = openHeuristic.get(hk);
      if (!open || ts - open.lastUs > gap) {
        const q = [actor ? `actor:${quoteValue(actor)}` : null, ip ? `ip:${quoteValue(ip)}` : null, ua ? `ua:${quoteValue(ua)}` : null]
          .filter(Boolean)
          .join(' ');
        open = acc(`heur:${hk}|${ts}`, 'heuristic', null, q, ts);
        openHeuristic.set(hk, open);
      }
      a = open;
    }
    a.events++;
    a.firstUs = Math.min(a.firstUs, ts);
    a.lastUs = Math.max(a.lastUs, ts);
    if (actor) a.actors.add(actor);
    if (ip) a.ips.add(ip);
    if (country) a.countries.add(country);
    if (ua) a.uas.add(ua);
    if (app) a.apps.add(app);
    a.ops.set(operation, (a.ops.get(operation) ?? 0) + 1);
    a.sources.add(source);
    if (source === 'signin' || category === 'logon') a.signins.push(id);
    if (bad.has(id)) a.flagged = true;
  }
  let list = [...sessions.values()];
  for (const a of list) {
    if (a.basis === 'heuristic') {
      const bounds = ` after:${new Date(Math.floor(a.firstUs / 1000)).toISOString()} before:${new Date(Math.floor(a.lastUs / 1000) + 1).toISOString()}`;
      a.query = `${a.query}${bounds}`.trim();
    }
  }
  if (options.flaggedOnly) list = list.filter((a) => a.flagged);
  list.sort((x, y) => y.firstUs - x.firstUs);
  return list.slice(0, options.limit ?? 1000).map((a) => ({
    key: a.key,
    basis: a.basis,
    sessionId: a.sessionId,
    actors: [...a.actors],
    firstUs: a.firstUs,
    lastUs: a.lastUs,
    events: a.events,
    ips: [...a.ips],
    countries: [...a.countries],
    userAgents: [...a.uas],
    apps: [...a.apps],
    operations: Object.fromEntries(a.ops),
    sources: [...a.sources],
    signinEventIds: a.signins.slice(0, 100),
    flagged: a.flagged,
    query: a.query,
  }));
}
