/**
 * Mailbox and directory state endpoints (reference §6): users, inbox rules, mail folders (so a
 * collector can resolve `moveToFolder` ids to names like "RSS Feeds"), mailbox settings, delegated
 * permission grants and service principals.
 */
import type { Reply, RequestContext } from '../server/http';
import { authorize, type EmulatorContext } from '../server/context';
import type { User } from '../scenario/tenant';
import { type FilterError, evaluate, parseFilter } from './odata';
import { GRAPH_AUTH, decodeToken, encodeToken, graphError, nextLink, readTop, select } from './common';

type Obj = Record<string, unknown>;

function ctxUrl(emu: EmulatorContext, version: string, rest: string): string {
  return `${emu.origins.graph}/${version}/$metadata#${rest}`;
}

/** Resolves `{id|userPrincipalName}`; `mailbox` false for directory users without one. */
function findUser(emu: EmulatorContext, idOrUpn: string): { user: User; mailbox: boolean } | null {
  const t = emu.sc.tenant;
  const key = idOrUpn.toLowerCase();
  if (t.admin.objectId === key || t.admin.upn.toLowerCase() === key) return { user: t.admin, mailbox: false };
  const byUpn = t.byUpn.get(key);
  if (byUpn) return { user: byUpn, mailbox: true };
  const byId = t.users.find((u) => u.objectId === key);
  return byId ? { user: byId, mailbox: true } : null;
}

function notFound(ctx: RequestContext, what: string): Reply {
  return graphError(
    ctx,
    404,
    'Request_ResourceNotFound',
    `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function noMailbox(ctx: RequestContext): Reply {
  return graphError(ctx, 404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
}

/** An offset-paged list with `$top`, `$skiptoken`, `$filter` (eq/startsWith) and `$select`. */
function pagedList(emu: EmulatorContext, ctx: RequestContext, context: string, items: Obj[], fallbackTop: number, maxTop: number): Reply {
  let list = items;
  const raw = ctx.query.get('$filter');
  if (raw) {
    try {
      const f = parseFilter(raw);
      list = list.filter((o) => evaluate(f, (field) => o[Object.keys(o).find((k) => k.toLowerCase() === field.toLowerCase()) ?? field]));
    } catch (err) {
      return graphError(ctx, 400, 'BadRequest', `Invalid filter clause: ${(err as FilterError).message}`);
    }
  }
  const top = readTop(ctx, fallbackTop, maxTop);
  if (typeof top !== 'number') return top;
  const tokenRaw = ctx.query.get('$skiptoken');
  const cur = decodeToken<{ o: number }>(tokenRaw);
  if (tokenRaw && (!cur || typeof cur.o !== 'number')) return graphError(ctx, 400, 'BadRequest', 'Invalid skip token.');
  const offset = cur?.o ?? 0;
  const page = list.slice(offset, offset + top);
  const body: Obj = { '@odata.context': context, value: page.map((o) => select(o, ctx)) };
  if (offset + top < list.length) body['@odata.nextLink'] = nextLink(emu.origins.graph, ctx, encodeToken({ o: offset + top }));
  return { status: 200, body };
}

const USER_PERMS = ['User.Read.All', 'User.ReadBasic.All', 'Directory.Read.All'];
const SETTINGS_PERMS = ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'];
const FOLDER_PERMS = ['Mail.ReadBasic.All', 'Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'];
const GRANT_PERMS = ['Directory.Read.All', 'DelegatedPermissionGrant.Read.All', 'DelegatedPermissionGrant.ReadWrite.All'];
const SP_PERMS = ['Application.Read.All', 'Directory.Read.All'];

/** Routes `/users…`, `/oauth2PermissionGrants…`, `/servicePrincipals…` (path after the version). */
export function mailboxRoute(emu: EmulatorContext, ctx: RequestContext, version: string, rest: string[]): Reply | null {
  const [head, id, sub, folderId, leaf, ruleId] = rest.map((seg) => seg.replace(/%2F/gi, '/'));
  const st = emu.sc.mailbox;
  if (head === 'users') {
    if (id === undefined) {
      const auth = authorize(emu, ctx, 'graph', USER_PERMS, GRAPH_AUTH);
      if (!auth.ok) return auth.reply;
      const all = [...emu.sc.tenant.users.map((u) => st.user(u, true)), st.user(emu.sc.tenant.admin, false)];
      return pagedList(emu, ctx, ctxUrl(emu, version, 'users'), all, 100, 999);
    }
    const found = findUser(emu, id);
    if (sub === undefined) {
      const auth = authorize(emu, ctx, 'graph', USER_PERMS, GRAPH_AUTH);
      if (!auth.ok) return auth.reply;
      if (!found) return notFound(ctx, id);
      return {
        status: 200,
        body: { '@odata.context': ctxUrl(emu, version, 'users/$entity'), ...select(st.user(found.user, found.mailbox), ctx) },
      };
    }
    if (sub === 'mailboxSettings' && folderId === undefined) {
      const auth = authorize(emu, ctx, 'graph', SETTINGS_PERMS, GRAPH_AUTH);
      if (!auth.ok) return auth.reply;
      if (!found) return notFound(ctx, id);
      if (!found.mailbox) return noMailbox(ctx);
      return {
        status: 200,
        body: { '@odata.context': ctxUrl(emu, version, `users('${found.user.upn}')/mailboxSettings`), ...st.settings(found.user) },
      };
    }
    if (sub === 'mailFolders') {
      const isRules = leaf === 'messageRules';
      const auth = authorize(emu, ctx, 'graph', isRules ? SETTINGS_PERMS : FOLDER_PERMS, GRAPH_AUTH);
      if (!auth.ok) return auth.reply;
      if (!found) return notFound(ctx, id);
      if (!found.mailbox) return noMailbox(ctx);
      const u = found.user;
      if (folderId === undefined) return pagedList(emu, ctx, ctxUrl(emu, version, `users('${u.upn}')/mailFolders`), st.folders(u), 10, 999);
      if (isRules) {
        if (folderId.toLowerCase() !== 'inbox' && st.folder(u, folderId)?.displayName !== 'Inbox') {
          return graphError(ctx, 400, 'ErrorInvalidRequest', 'Rules are only supported on the Inbox folder.');
        }
        const rules = st.rules(u);
        if (ruleId !== undefined) {
          const r = rules.find((x) => x.id === ruleId);
          return r
            ? {
                status: 200,
                body: { '@odata.context': ctxUrl(emu, version, `users('${u.upn}')/mailFolders('inbox')/messageRules/$entity`), ...r },
              }
            : graphError(ctx, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        }
        return {
          status: 200,
          body: { '@odata.context': ctxUrl(emu, version, `users('${u.upn}')/mailFolders('inbox')/messageRules`), value: rules },
        };
      }
      if (leaf !== undefined) return null;
      const f = st.folder(u, folderId);
      if (!f) return graphError(ctx, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return { status: 200, body: { '@odata.context': ctxUrl(emu, version, `users('${u.upn}')/mailFolders/$entity`), ...select(f, ctx) } };
    }
    return null;
  }
  if (head === 'oauth2PermissionGrants' && sub === undefined) {
    const auth = authorize(emu, ctx, 'graph', GRANT_PERMS, GRAPH_AUTH);
    if (!auth.ok) return auth.reply;
    if (id !== undefined) {
      const g = st.grants.find((x) => x.id === id);
      return g
        ? { status: 200, body: { '@odata.context': ctxUrl(emu, version, 'oauth2PermissionGrants/$entity'), ...g } }
        : notFound(ctx, id);
    }
    return pagedList(emu, ctx, ctxUrl(emu, version, 'oauth2PermissionGrants'), st.grants, 100, 999);
  }
  if (head === 'servicePrincipals' && sub === undefined) {
    const auth = authorize(emu, ctx, 'graph', SP_PERMS, GRAPH_AUTH);
    if (!auth.ok) return auth.reply;
    if (id !== undefined) {
      const s = st.servicePrincipals.find((x) => x.id === id || x.appId === id.replace(/^\(appId='(.*)'\)$/, '$1'));
      return s
        ? { status: 200, body: { '@odata.context': ctxUrl(emu, version, 'servicePrincipals/$entity'), ...select(s, ctx) } }
        : notFound(ctx, id);
    }
    return pagedList(emu, ctx, ctxUrl(emu, version, 'servicePrincipals'), st.servicePrincipals, 100, 999);
  }
  return null;
}
