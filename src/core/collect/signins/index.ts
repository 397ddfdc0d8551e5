/**
 * Entra sign-ins through Graph `auditLogs/signIns` (reference §5): interactive, non-interactive and
 * service-principal sign-ins (the last two exist only in beta, selected with `signInEventTypes`),
 * in windows on `createdDateTime`, following `@odata.nextLink`.
 */
import { isoZ, chunks, odataString, splitRange } from '../windows';
import { readAllPages } from '../graph-pages';
import type { SourceCollector } from '../source';
import type { NewTask } from '../../store/collect-repo';

/** The Graph sign-ins format id of the import pipeline. */
export const SIGNINS_FORMAT = 'graph-signins';

const USER_TYPES = new Set(['interactiveUser', 'nonInteractiveUser']);

export const signinsCollector: SourceCollector = {
  source: 'signins',
  windowKinds: ['window'],

  async plan(ctx) {
    const fromMs = Math.floor(ctx.fromUs / 1000);
    const toMs = Math.ceil(ctx.toUs / 1000);
    const types = ctx.tuning.signinApi === 'v1.0' ? ['interactiveUser'] : ctx.tuning.signinEventTypes;
    const groups = ctx.users.length > 0 ? chunks(ctx.users, ctx.tuning.usersPerFilter) : [[]];
    const tasks: Omit<NewTask, 'runId' | 'source' | 'nowUs'>[] = [];
    for (const type of types) {
      // A user filter only narrows user sign-ins; service-principal sign-ins have no user.
      const typeGroups = USER_TYPES.has(type) ? groups : [[]];
      typeGroups.forEach((group, g) => {
        for (const [a, b] of splitRange(fromMs, toMs, ctx.tuning.signinWindowMs)) {
          tasks.push({
            key: `${type}:${g}:${a}-${b}`,
            kind: 'window',
            target: group.length > 0 ? `${type} ${group.join(',')}` : type,
            fromUs: a * 1000,
            toUs: b * 1000,
            cursor: null,
          });
        }
      });
    }
    ctx.plan(tasks);
  },

  async run(ctx, task) {
    const [type = 'interactiveUser'] = (task.target ?? '').split(' ');
    const users = (task.target ?? '').split(' ')[1]?.split(',').filter(Boolean) ?? [];
    const fromMs = Math.floor((task.from_us ?? 0) / 1000);
    const toMs = Math.floor((task.to_us ?? 0) / 1000);
    // `createdDateTime` supports ge/le only: adjacent windows may both return a record exactly on
    // the boundary; the dedupe by sign-in id absorbs it.
    const clauses = [`createdDateTime ge ${isoZ(fromMs)}`, `createdDateTime le ${isoZ(toMs)}`];
    if (ctx.tuning.signinApi === 'beta') clauses.push(`signInEventTypes/any(t: t eq ${odataString(type)})`);
    if (users.length > 0) clauses.push(`(${users.map((u) => `userPrincipalName eq ${odataString(u)}`).join(' or ')})`);
    const url = new URL(`${ctx.hosts.graph}/${ctx.tuning.signinApi}/auditLogs/signIns`);
    url.searchParams.set('$filter', clauses.join(' and '));
    url.searchParams.set('$top', String(ctx.tuning.graphPageSize));
    await readAllPages(ctx, task, url.toString(), { format: SIGNINS_FORMAT, what: `reading ${type} sign-ins` });
  },

  async finish(ctx) {
    const horizonMs = ctx.run.serviceNowMs() - ctx.tuning.entraRetentionDays * 86_400_000;
    if (ctx.fromUs / 1000 < horizonMs) {
      ctx.gap({
        kind: 'retention',
        fromUs: ctx.fromUs,
        toUs: Math.min(ctx.toUs, horizonMs * 1000),
        target: null,
        detail: `Entra keeps sign-ins ${ctx.tuning.entraRetentionDays} days (P1/P2; 7 days on Free); sign-ins before ${isoZ(horizonMs)} may have been purged`,
      });
    }
  },
};
