import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev, grantEvent } from '../../../test/helpers/events';
import { CLOUD_HOSTS } from '../auth/clouds';
import { importPaths } from '../ingest';
import { insertRun } from '../store/collect-repo';
import { loadReferenceNames } from './reference-names';
import { runAnalyzers } from './run';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function withReference() {
  const c = await analysisCase();
  cleanups.push(c.cleanup);
  const r = await importPaths(c.session, [join(FIXTURES, 'graph-reference')]);
  expect(r.files.map((f) => f.note)).toEqual([expect.stringMatching(/mailFolders/), expect.stringMatching(/servicePrincipals/)]);
  return c;
}

describe('reference names', () => {
  it('reads service principals and folder lists from imported and collected reference data', async () => {
    const c = await withReference();
    // A collected page of the tenant's service principals (as the mailbox collector stores it).
    await c.session.evidence.add(
      JSON.stringify({
        value: [
          { id: 'AAAA0000-0000-4000-8000-00000000c0de', appId: 'bbbb1111-0000-4000-8000-00000000c0de', displayName: 'Collected App' },
        ],
      }),
      {
        kind: 'http-response',
        origin: {
          type: 'http',
          method: 'GET',
          url: 'https://graph.microsoft.com/v1.0/servicePrincipals',
          query: {},
          status: 200,
          requestedAtUs: 1,
        },
      },
    );
    // A failed response names nothing.
    await c.session.evidence.add(JSON.stringify({ value: [{ id: 'x', appId: 'y', displayName: 'From an error page' }] }), {
      kind: 'http-response',
      origin: {
        type: 'http',
        method: 'GET',
        url: 'https://graph.microsoft.com/v1.0/servicePrincipals',
        query: {},
        status: 500,
        requestedAtUs: 2,
      },
    });
    const names = loadReferenceNames(c.db);
    expect(names.appName('9D7F0A51-1111-4C4C-9E9E-ABCDEFABCDEF')).toBe('Mail Sync Pro');
    expect(names.appName('5b7c3c0e-0000-4000-8000-000000000002')).toBe('Mail Sync Pro');
    expect(names.appIdOf('5b7c3c0e-0000-4000-8000-000000000002')).toBe('9d7f0a51-1111-4c4c-9e9e-abcdefabcdef');
    expect(names.appName('aaaa0000-0000-4000-8000-00000000c0de')).toBe('Collected App');
    expect(names.appName('y')).toBeNull();
    expect(names.folderName('AAMkAGI2TBBB=')).toBe('RSS Feeds');
    expect(names.folderName('aamkagi2tbbb=')).toBeNull(); // folder ids are case-sensitive
    expect(names.appName(null)).toBeNull();
  });

  it('names a consent known only by its service principal id, and a Graph rule moving mail to a folder id', async () => {
    const c = await withReference();
    const t = Date.UTC(2026, 0, 5, 9) * 1000;
    c.write([
      grantEvent('5b7c3c0e-0000-4000-8000-000000000002', ['Mail.ReadWrite'], false, { tsUs: t }),
      ev({
        tsUs: t + 1,
        source: 'ual',
        actor: 'ceo@contoso.com',
        operation: 'Consent to application.',
        category: 'consent',
        attrs: {
          consent: {
            appId: '9d7f0a51-1111-4c4c-9e9e-abcdefabcdef',
            appName: null,
            scopes: ['Mail.ReadWrite'],
            isAdminConsent: false,
            consentType: null,
          },
        },
      }),
      ev({
        tsUs: t + 2,
        source: 'mailbox-state',
        actor: null,
        mailbox: 'ceo@contoso.com',
        operation: 'InboxRule',
        category: 'rule-change',
        attrs: {
          rule: {
            operation: 'snapshot',
            id: 'AQAAAJ5dZqA=',
            name: 'x',
            enabled: true,
            conditions: { subjectContainsWords: ['invoice'] },
            exceptions: {},
            actions: { moveToFolder: 'AAMkAGI2TBBB=', markAsRead: true },
          },
        },
      }),
    ]);
    const findings = runAnalyzers(c.session).findings;
    const consent = findings.filter((f) => f.analyzer === 'oauth-consent');
    expect(consent.map((f) => f.title)).toEqual([expect.stringContaining('"Mail Sync Pro"')]);
    expect(consent[0]!.eventIds).toHaveLength(2);
    const rule = findings.find((f) => f.analyzer === 'inbox-rules')!;
    expect(rule.why).toMatch(/moves mail to "RSS Feeds"/);
  });

  it('reports the grant of the app this case was collected with as info, not as an unfamiliar app', async () => {
    const c = await withReference();
    c.db
      .transaction(() =>
        insertRun(c.db, 'run-1', 1, {
          tenant: 'contoso.onmicrosoft.com',
          clientId: '9D7F0A51-1111-4C4C-9E9E-ABCDEFABCDEF',
          cloud: 'global',
          hosts: CLOUD_HOSTS.global,
          authMode: 'certificate',
          sources: ['mailbox'],
          users: [],
          fromUs: 0,
          toUs: 1,
          options: {},
        }),
      )
      .immediate();
    c.write([grantEvent('5b7c3c0e-0000-4000-8000-000000000002', ['Mail.ReadBasic.All'], true)]);
    const consent = runAnalyzers(c.session).findings.filter((f) => f.analyzer === 'oauth-consent');
    expect(consent.map((f) => [f.severity, f.title])).toEqual([
      ['info', expect.stringContaining('"Mail Sync Pro", the app this case was collected with')],
    ]);
  });
});
