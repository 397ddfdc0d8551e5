/**
 * Contract handlers of the analysis engine (search, timeline, sessions, findings, annotations,
 * enrichment), spread into `createCore()`'s handler map.
 */
import { MailtrailError } from '../../shared/errors';
import type { CoreHandlers } from '../../shared/ipc/contract';
import type { CaseSession } from '../case/case-file';
import {
  addManualEvent,
  commentEvent,
  defineTag,
  removeComment,
  removeView,
  saveView,
  starEvent,
  tagByQuery,
  tagEvents,
  tags,
  untagEvents,
} from '../annotate';
import { createIpEnricher, reenrichCase } from '../enrich';
import { listViews } from '../store/annotations-repo';
import { listSources } from '../store/enrichment-repo';
import { listFindings } from '../store/findings-repo';
import { analyzerInfo } from './analyzers';
import { eventDetail } from './detail';
import { countEvents, eventContext, histogram, pivot, queryEvents, topFieldValues } from './queries';
import { parseQuery } from './query/parse';
import { runAnalyzers } from './run';
import { buildSessions } from './sessions';

/** The channels this module answers. */
export type AnalysisChannels =
  | 'events:query'
  | 'events:count'
  | 'events:get'
  | 'events:top'
  | 'events:context'
  | 'events:pivot'
  | 'events:tag-query'
  | 'search:check'
  | 'timeline:histogram'
  | 'sessions:list'
  | 'findings:list'
  | 'analyze:list'
  | 'analyze:run'
  | 'tags:list'
  | 'tags:define'
  | 'event:tag'
  | 'event:untag'
  | 'event:star'
  | 'event:comment'
  | 'comment:delete'
  | 'views:list'
  | 'views:save'
  | 'views:delete'
  | 'manual:add'
  | 'enrich:sources'
  | 'enrich:rerun';

/** Builds the analysis handlers over the core's open case. */
export function analysisHandlers(requireCase: () => CaseSession): Pick<CoreHandlers, AnalysisChannels> {
  return {
    'events:query': async (q) => queryEvents(requireCase(), q),
    'events:count': async (q) => ({ count: countEvents(requireCase(), q) }),
    'events:get': async ({ id }) => eventDetail(requireCase(), id),
    'events:top': async (q) => ({ values: topFieldValues(requireCase(), q) }),
    'events:context': async (q) => eventContext(requireCase(), q),
    'events:pivot': async (q) => pivot(requireCase(), q),
    'events:tag-query': async (q) => tagByQuery(requireCase(), q),
    'search:check': async ({ query }) => {
      try {
        parseQuery(query, Date.now() * 1000);
        return { ok: true };
      } catch (err) {
        if (err instanceof MailtrailError)
          return { ok: false, message: err.message, column: (err.details?.['column'] as number | undefined) ?? null };
        throw err;
      }
    },
    'timeline:histogram': async (q) => histogram(requireCase(), q),
    'sessions:list': async (q) => ({
      sessions: buildSessions(requireCase(), {
        actor: q.actor,
        limit: q.limit,
        flaggedOnly: q.flaggedOnly,
        gapUs: q.gapMinutes ? q.gapMinutes * 60_000_000 : undefined,
      }),
    }),
    'findings:list': async (q) => ({ findings: listFindings(requireCase().db, q) }),
    'analyze:list': async () => ({ analyzers: analyzerInfo() }),
    'analyze:run': async (q) => runAnalyzers(requireCase(), { only: q.only }),
    'tags:list': async () => ({ tags: tags(requireCase()) }),
    'tags:define': async (q) => defineTag(requireCase(), q),
    'event:tag': async (q) => tagEvents(requireCase(), q),
    'event:untag': async (q) => untagEvents(requireCase(), q),
    'event:star': async (q) => starEvent(requireCase(), q),
    'event:comment': async (q) => commentEvent(requireCase(), q),
    'comment:delete': async (q) => removeComment(requireCase(), q),
    'views:list': async () => ({ views: listViews(requireCase().db) }),
    'views:save': async (q) => saveView(requireCase(), q),
    'views:delete': async (q) => removeView(requireCase(), q),
    'manual:add': async (q) => addManualEvent(requireCase(), q),
    'enrich:sources': async () => ({ sources: listSources(requireCase().db) }),
    'enrich:rerun': async ({ cityDb }) => reenrichCase(requireCase(), cityDb ? createIpEnricher({ cityDb }) : undefined),
  };
}
