/**
 * Findings, sessions of interest and enrichment sources as the report needs them, read through
 * the analysis area's functions (`store/findings-repo`, `analyze/sessions`, `store/enrichment-repo`).
 */
import { buildSessions } from '../../analyze/sessions';
import type { Db } from '../../store/database';
import { listSources } from '../../store/enrichment-repo';
import { listFindings } from '../../store/findings-repo';
import { lastEntryWithAction } from '../../store/report-repo';

/** A finding with its linked events. */
export interface ReportFinding {
  id: number;
  analyzer: string;
  kind: 'finding' | 'gap';
  severity: 'info' | 'low' | 'medium' | 'high';
  title: string;
  why: string;
  nextSteps: string[];
  actors: string[];
  firstUs: number | null;
  lastUs: number | null;
  eventIds: number[];
}

/** A session of interest. */
export interface ReportSession {
  id: string;
  user: string | null;
  firstUs: number;
  lastUs: number;
  events: number;
  ips: string[];
  countries: string[];
  userAgents: string[];
  apps: string[];
  /** How the session was formed and what it contains, as one line. */
  why: string;
}

/** An enrichment database cited by the case. */
export interface ReportEnrichmentSource {
  name: string;
  version: string;
  buildDate: string | null;
  provides: string[];
  license: string;
  sha256: string | null;
}

/** Analysis reads; each `available` is false when the case has no such records. */
export interface AnalysisReads {
  findings: { available: boolean; list: () => ReportFinding[]; lastRun: { seq: number; atUs: number; examiner: string } | null };
  sessions: { available: boolean; list: () => ReportSession[] };
  enrichment: { available: boolean; list: () => ReportEnrichmentSource[] };
}

/** True when `fn` fails only because the case predates the analysis tables. */
function tableExists(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return false;
    throw err;
  }
}

const BASIS: Record<string, string> = {
  'session-id': 'grouped by Entra session id',
  'token-id': 'grouped by token id',
  heuristic: 'grouped by user, IP and user agent',
};

/**
 * The analysis results of the case in `db`. Sessions are computed without writing (the report
 * renders inside a read snapshot); callers that may write refresh the indexes before the head.
 */
export function analysisOf(db: Db): AnalysisReads {
  const findingsAvailable = tableExists(() => listFindings(db, { analyzer: '\u0000' }));
  const run = lastEntryWithAction(db, 'analyze.run');
  return {
    findings: {
      available: findingsAvailable,
      lastRun: run ? { seq: run.seq, atUs: run.at_us, examiner: run.examiner } : null,
      list: () => (findingsAvailable ? listFindings(db) : []),
    },
    sessions: {
      available: findingsAvailable,
      list: () =>
        findingsAvailable
          ? buildSessions({ db, readOnly: true }, { flaggedOnly: true, limit: 500 })
              .map((s) => ({
                // A heuristic group's key (user|IP|agent|time) is internal; the detail line says how it was formed.
                id: s.sessionId ?? (s.basis === 'heuristic' ? 'no session id' : s.key),
                user: s.actors.join(', ') || null,
                firstUs: s.firstUs,
                lastUs: s.lastUs,
                events: s.events,
                ips: s.ips,
                countries: s.countries,
                userAgents: s.userAgents,
                apps: s.apps,
                why: `${BASIS[s.basis] ?? s.basis}; sources ${s.sources.join(', ')}; ${Object.entries(s.operations)
                  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
                  .slice(0, 6)
                  .map(([op, n]) => `${op} \u00D7${n}`)
                  .join(', ')}`,
              }))
              .sort((a, b) => a.firstUs - b.firstUs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          : [],
    },
    enrichment: {
      available: findingsAvailable,
      list: () => (findingsAvailable ? listSources(db) : []),
    },
  };
}
