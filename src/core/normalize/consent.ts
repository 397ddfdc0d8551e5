/**
 * Who got which permissions in an Entra consent activity, for the UAL record (`Consent to
 * application.`, `Add delegated permission grant.`, …) and the directory audit alike: both carry
 * the same modified properties, and in both the app the activity names first is not always the
 * one that received the permissions.
 */
import type { ConsentAttrs } from '../../shared/model/attrs';
import { bool, clip, q, str, words } from './values';

/** Modified properties by name, old and new values decoded (`values.modifiedProperties`). */
export type Modified = Record<string, { old: unknown; new: unknown }>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Scopes out of `ConsentAction.Permissions` text (`… Scope:  openid Mail.Read, CreatedDateTime …`), or a plain scope list. */
export function consentScopes(text: string | null): string[] {
  if (text === null) return [];
  const out: string[] = [];
  const re = /Scope:\s*([^,\]]*)/g;
  let found = false;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found = true;
    for (const s of m[1]!.split(/\s+/)) if (s.length > 0 && !out.includes(s)) out.push(s);
  }
  return found ? out : words(text.replace(/^"|"$/g, '').replace(/\s+/g, ';'));
}

/** The first entry of a service principal name list (`appId;https://…`) that is an app id. */
function appIdIn(names: string | null): string | null {
  return (
    names
      ?.split(';')
      .find((n) => GUID.test(n.trim()))
      ?.trim() ?? null
  );
}

/**
 * The consent or grant an activity records.
 *
 * `Consent to application.` targets the app consented to: its name is the activity's target and
 * its app id leads `TargetId.ServicePrincipalNames`. A delegated permission grant or an app role
 * assignment targets the resource (Microsoft Graph, Exchange Online) instead, whose names fill
 * `TargetId.ServicePrincipalNames`; the app that received the permissions is in
 * `ServicePrincipal.*`, and `objectName` finds its name among the other targets by its object id.
 * A grant whose `ConsentType` is `AllPrincipals` is an admin's consent for everyone.
 */
export function consentOf(
  mp: Modified,
  activity: { targetName: string | null; targetId: string | null; detailsAppId: string | null; objectName: (id: string) => string | null },
): ConsentAttrs {
  const perms =
    str(mp['ConsentAction.Permissions']?.new) ?? str(mp['DelegatedPermissionGrant.Scope']?.new) ?? str(mp['AppRole.Value']?.new);
  const consentType =
    str(mp['DelegatedPermissionGrant.ConsentType']?.new) ?? (perms ? (/ConsentType:\s*(\w+)/.exec(perms)?.[1] ?? null) : null);
  const stated = bool(mp['ConsentContext.IsAdminConsent']?.new);
  const isAdminConsent = stated ?? (consentType === 'AllPrincipals' ? true : consentType === 'Principal' ? false : null);
  const base = { scopes: consentScopes(perms), isAdminConsent, consentType };
  const clientObjectId = str(mp['ServicePrincipal.ObjectID']?.new);
  const grant =
    clientObjectId !== null || str(mp['ServicePrincipal.AppId']?.new) !== null || str(mp['ServicePrincipal.DisplayName']?.new) !== null;
  if (!grant) {
    return {
      ...base,
      appId: appIdIn(str(mp['TargetId.ServicePrincipalNames']?.new)) ?? activity.detailsAppId ?? activity.targetId,
      appName: activity.targetName,
    };
  }
  const named = clientObjectId === null ? null : activity.objectName(clientObjectId);
  return {
    ...base,
    appId: str(mp['ServicePrincipal.AppId']?.new) ?? activity.detailsAppId,
    appName: str(mp['ServicePrincipal.DisplayName']?.new) ?? (named !== null && !GUID.test(named) ? named : null),
    servicePrincipalId: clientObjectId,
    resourceName: activity.targetName,
  };
}

/** The one-line summary of a consent activity: the app, the resource a grant is on, who, which scopes. */
export function consentSummary(operation: string, c: ConsentAttrs, actor: string | null): string {
  const app = c.appName ?? c.appId ?? c.servicePrincipalId ?? null;
  return (
    `${operation}${app ? ` ${q(app)}` : ''}${c.resourceName ? ` on ${q(c.resourceName)}` : ''}${actor ? ` by ${actor}` : ''}` +
    `${c.scopes.length > 0 ? `: ${clip(c.scopes.join(' '), 80)}` : ''}${c.isAdminConsent ? ' (admin consent)' : ''}`
  );
}
