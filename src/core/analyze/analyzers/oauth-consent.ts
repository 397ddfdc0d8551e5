/**
 * OAuth consent to unfamiliar apps with mail scopes (m365-sources §6.3, §9; Microsoft "Detect and
 * remediate illicit consent grants", Hawk risk categories): consent phishing gives an attacker a
 * refresh token for the app that survives password resets.
 */
import type { FindingSeverity } from '../../../shared/model/analysis';
import { eventsByCategory } from '../../store/analysis-repo';
import { listCollectionRuns } from '../../store/collect-repo';
import { readResourceJson } from '../../enrich/resources';
import { contextSeverity, iso, where, type AnalysisEvent, type Analyzer, type AnalyzerFinding } from './types';

/** Scopes that read, send or configure mail. */
const MAIL_SCOPE =
  /^(mail\.|mailboxsettings\.|ews\.accessasuser\.all|imap\.accessasuser\.all|pop\.accessasuser\.all|smtp\.send|full_access_as_app|exchange\.manageasapp)/i;
/** Scopes Hawk rates extremely dangerous or high risk besides mail. */
const DANGEROUS_SCOPE =
  /^(approleassignment\.readwrite\.all|rolemanagement\.readwrite\.directory|directory\.readwrite\.all|files\.|sites\.|chat\.|user\.readwrite|ediscovery\.|bitlockerkey\.read\.all)/i;

interface KnownApps {
  apps: { appId: string; name: string }[];
}

let known: Map<string, string> | null = null;
function firstParty(appId: string | null): string | null {
  if (!appId) return null;
  known ??= new Map(readResourceJson<KnownApps>('microsoft-apps.json').apps.map((a) => [a.appId.toLowerCase(), a.name]));
  return known.get(appId.toLowerCase()) ?? null;
}

export const oauthConsent: Analyzer = {
  id: 'oauth-consent',
  title: 'OAuth consent to unfamiliar apps',
  description:
    'Consent grants to applications that are not Microsoft first-party apps and that few users in the tenant use, for mail scopes (Mail.Read, Mail.Send, MailboxSettings.ReadWrite, EWS/IMAP/POP access) or other high-risk scopes. Admin consent or consent from a flagged session makes it high.',
  run(ctx) {
    const events = [...eventsByCategory(ctx.db, ['consent'])].filter((e) => e.attrs.consent);
    // The same consent is recorded several times and under different identifiers: the app id
    // (consent events), the service principal's object id (UAL "Add delegated permission grant.",
    // the grants' clientId) and sometimes only the display name (directory audits). Records that
    // share any id or name are one app (union-find over `id:` and `name:` tokens).
    const parent = new Map<string, string>();
    const find = (t: string): string => {
      let r = t;
      while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
      parent.set(t, r);
      return r;
    };
    const union = (a: string, b: string): void => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(rb, ra);
    };
    // The tenant's service principals (reference data) tie an object id to its app id and name.
    const nameOf = (c: { appId: string | null; appName: string | null }): string | null => c.appName ?? ctx.names.appName(c.appId);
    const tokensOf = (c: { appId: string | null; appName: string | null }): string[] => {
      const viaPrincipal = ctx.names.appIdOf(c.appId);
      const name = nameOf(c);
      return [
        ...(c.appId ? [`id:${c.appId.toLowerCase()}`] : []),
        ...(viaPrincipal ? [`id:${viaPrincipal.toLowerCase()}`] : []),
        ...(name ? [`name:${name.toLowerCase()}`] : []),
      ];
    };
    for (const e of events) {
      const [first, ...rest] = tokensOf(e.attrs.consent!);
      if (first) find(first);
      for (const t of rest) union(first!, t);
    }
    const appKeyOf = (c: { appId: string | null; appName: string | null }): string => {
      const first = tokensOf(c)[0];
      return first ? find(first) : '';
    };
    const collectorApps = new Set(listCollectionRuns(ctx.db).map((r) => r.clientId.toLowerCase()));
    const usersPerApp = new Map<string, Set<string>>();
    for (const e of events) {
      const app = appKeyOf(e.attrs.consent!);
      const set = usersPerApp.get(app) ?? new Set<string>();
      set.add(e.actor ?? e.mailbox ?? '');
      usersPerApp.set(app, set);
    }
    const groups = new Map<
      string,
      {
        events: AnalysisEvent[];
        severity: FindingSeverity;
        scopes: Set<string>;
        name: string;
        admin: boolean;
        fromBad: boolean;
        ours: boolean;
      }
    >();
    for (const e of events) {
      const c = e.attrs.consent!;
      const appKey = appKeyOf(c);
      if (firstParty(c.appId) || firstParty(ctx.names.appIdOf(c.appId))) continue;
      const mail = c.scopes.filter((s) => MAIL_SCOPE.test(s));
      const dangerous = c.scopes.filter((s) => DANGEROUS_SCOPE.test(s));
      if (mail.length === 0 && dangerous.length === 0) continue;
      const users = usersPerApp.get(appKey)?.size ?? 1;
      const unfamiliar = users <= 2;
      const bad = contextSeverity(ctx, e);
      const fromBad = bad === 'high';
      const writes = mail.some((s) => /readwrite|send|full_access|accessasuser/i.test(s));
      const isState = e.source === 'mailbox-state';
      let severity: FindingSeverity = unfamiliar ? 'medium' : 'low';
      if (unfamiliar && (writes || c.isAdminConsent || fromBad || c.consentType === 'AllPrincipals')) severity = 'high';
      if (fromBad) severity = 'high';
      // A grant read from the tenant's current state says nothing about when or from where it was
      // given: worth a review, not proof. The consent events themselves carry the verdict.
      if (isState && severity === 'high') severity = 'medium';
      // The app registration this case was collected with holds the grants it needs: say so, no alarm.
      const ours = [c.appId, ctx.names.appIdOf(c.appId)].some((id) => !!id && collectorApps.has(id.toLowerCase()));
      if (ours) severity = 'info';
      if (!isState && !ours)
        ctx.signals.actions.set(e.id, {
          event: e,
          kind: 'consent',
          severity,
          reason: `consent to "${nameOf(c) ?? c.appId}" (${[...mail, ...dangerous].join(' ')})`,
        });
      const g = groups.get(appKey) ?? {
        events: [],
        severity: 'info' as FindingSeverity,
        scopes: new Set<string>(),
        name: nameOf(c) ?? c.appId ?? 'unknown app',
        admin: false,
        fromBad: false,
        ours: false,
      };
      g.ours ||= ours;
      g.events.push(e);
      // Prefer a display name over an id once any record of the app carries one.
      const named = nameOf(c);
      if (named && g.name === (c.appId ?? 'unknown app')) g.name = named;
      if (['info', 'low', 'medium', 'high'].indexOf(severity) > ['info', 'low', 'medium', 'high'].indexOf(g.severity))
        g.severity = severity;
      [...mail, ...dangerous].forEach((s) => g.scopes.add(s));
      g.admin ||= !!c.isAdminConsent || c.consentType === 'AllPrincipals';
      g.fromBad ||= fromBad;
      groups.set(appKey, g);
    }
    const findings: AnalyzerFinding[] = [];
    for (const [key, g] of groups) {
      const first = g.events[0]!;
      const users = [...new Set(g.events.map((e) => e.actor ?? e.mailbox).filter((a): a is string => !!a))];
      if (g.ours) {
        findings.push({
          fingerprint: key,
          severity: 'info',
          title: `Consent held by "${g.name}", the app this case was collected with (${[...g.scopes].slice(0, 4).join(', ')})`,
          why: `"${g.name}"${first.attrs.consent?.appId ? ` (${first.attrs.consent.appId})` : ''} is the app registration the collection runs of this case signed in with; its permissions (${[...g.scopes].join(', ')}) are what collection needs. Listed so the report accounts for every grant in the tenant.`,
          nextSteps: ['Remove the grant and the app registration once the investigation no longer needs them.'],
          eventIds: g.events.map((e) => e.id),
          actors: users,
          firstUs: first.tsUs,
          lastUs: g.events[g.events.length - 1]!.tsUs,
        });
        continue;
      }
      findings.push({
        fingerprint: key,
        severity: g.severity,
        title: `Consent to unfamiliar app "${g.name}" with ${[...g.scopes].slice(0, 4).join(', ')}`,
        why:
          `${users.join(', ') || 'A user'} granted "${g.name}"${first.attrs.consent?.appId ? ` (app id ${first.attrs.consent.appId})` : ''} the permissions ${[...g.scopes].join(', ')} at ${iso(first.tsUs)}${first.clientIp ? ` from ${where(first)}` : ''}. ` +
          (users.length
            ? `It is not a Microsoft first-party application and only ${users.length} user${users.length === 1 ? '' : 's'} in this case ${users.length === 1 ? 'uses' : 'use'} it.`
            : 'It is not a Microsoft first-party application.') +
          (g.events.every((e) => e.source === 'mailbox-state')
            ? " Seen in the tenant's current grants only: find the consent event to learn when and from where it was given."
            : '') +
          (g.admin ? ' It was consented for the whole organisation (admin consent).' : '') +
          (g.fromBad ? ' The consent came from a session or IP already judged anomalous.' : '') +
          ' Consent phishing gives the attacker a refresh token that keeps working after the password is reset and MFA is enforced.',
        nextSteps: [
          'Look up the app in Entra ID (Enterprise applications): publisher, verified status, reply URLs, creation date.',
          "If it is not a sanctioned app: revoke its grants (Remove-MgOauth2PermissionGrant), disable the service principal, and revoke the user's refresh tokens.",
          'Search for activity by the app id (search `app:<id>`): mail it read or sent through Graph.',
          'Check whether other users were sent the same consent link (message trace for the phishing mail).',
        ],
        eventIds: g.events.map((e) => e.id),
        actors: users,
        firstUs: first.tsUs,
        lastUs: g.events[g.events.length - 1]!.tsUs,
      });
    }
    return findings;
  },
};
