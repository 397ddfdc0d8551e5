/**
 * Mailbox state snapshot (reference §6): per target user the inbox rules
 * (`mailFolders/inbox/messageRules`) and `mailboxSettings`; tenant-wide the delegated consent
 * grants (`oauth2PermissionGrants`) and the service principals (the apps those grants name, so an
 * unfamiliar app holding mail scopes can be identified). A snapshot is what the mailbox looks like
 * at collection time; the UAL holds the history.
 */
import type { SourceContext } from '../context';
import { ServiceRefusal, type SourceCollector } from '../source';
import { readAllPages } from '../graph-pages';

/** Format ids of the import pipeline (service principals are kept as evidence: no import format reads them). */
export const MAILBOX_FORMATS = {
  rules: 'graph-message-rules',
  settings: 'graph-mailbox-settings',
  grants: 'graph-oauth2-grants',
  servicePrincipal: null,
} as const;

function userPath(ctx: SourceContext, upn: string): string {
  return `${ctx.hosts.graph}/v1.0/users/${encodeURIComponent(upn)}`;
}

export const mailboxCollector: SourceCollector = {
  source: 'mailbox',
  windowKinds: ['rules'],

  async plan(ctx) {
    ctx.plan([
      ...ctx.users.flatMap((upn) => [
        { key: `rules:${upn}`, kind: 'rules', target: upn },
        { key: `settings:${upn}`, kind: 'settings', target: upn },
      ]),
      { key: 'grants', kind: 'grants' },
      { key: 'servicePrincipals', kind: 'apps' },
    ]);
  },

  async run(ctx, task) {
    const upn = task.target ?? '';
    switch (task.kind) {
      case 'rules':
        await readAllPages(ctx, task, `${userPath(ctx, upn)}/mailFolders/inbox/messageRules`, {
          format: MAILBOX_FORMATS.rules,
          mailbox: upn,
          what: `reading inbox rules of ${upn}`,
          refuseNotFound: true,
        });
        return;
      case 'settings': {
        const res = await ctx.call({ resource: 'graph', method: 'GET', url: `${userPath(ctx, upn)}/mailboxSettings` });
        if (res.status === 404) {
          const page = await ctx.store(res);
          ctx.checkpoint(task, { page });
          throw new ServiceRefusal('unavailable', `mailbox settings of ${upn}: HTTP 404 (no such user or mailbox)`, page.evidenceId);
        }
        await ctx.expectOk(task, res, `reading mailbox settings of ${upn}`);
        const page = await ctx.store(res, { format: MAILBOX_FORMATS.settings, mailbox: upn });
        ctx.checkpoint(task, { page, state: 'done', cursor: null });
        return;
      }
      case 'grants':
        await readAllPages(ctx, task, `${ctx.hosts.graph}/v1.0/oauth2PermissionGrants`, {
          format: MAILBOX_FORMATS.grants,
          what: 'reading OAuth2 permission grants',
        });
        return;
      case 'apps':
        // Kept as evidence (no import format reads service principals): names, app ids, owners and
        // publisher of every app, for the grants' client ids.
        await readAllPages(ctx, task, `${ctx.hosts.graph}/v1.0/servicePrincipals`, {
          format: MAILBOX_FORMATS.servicePrincipal,
          what: 'reading service principals',
        });
        return;
      default:
        throw new Error(`unknown mailbox task kind ${task.kind}`);
    }
  },
};
