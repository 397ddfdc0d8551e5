import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev, MIN } from '../../../test/helpers/events';
import { tagEvents } from '../annotate';
import { queryEvents } from './queries';
import { buildSessions } from './sessions';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const T = Date.UTC(2026, 0, 5, 9) * 1000;

describe('sessions', () => {
  it('groups by session id, joins sign-ins to UAL records by token id, and falls back to actor + IP + UA within a gap', async () => {
    const c = await analysisCase();
    cleanups.push(c.cleanup);
    const ids = c.write([
      // Entra sign-in carrying both the session id and the token id.
      ev({
        tsUs: T,
        source: 'signin',
        operation: 'Sign-in',
        category: 'logon',
        actor: 'alice@contoso.com',
        clientIp: '146.70.53.21',
        sessionId: 'S1',
        tokenId: 'UTI-1',
        userAgent: 'axios/1.7.7',
      }),
      // UAL record with only the token id (AppAccessContext.UniqueTokenId): joined to S1.
      ev({
        tsUs: T + MIN,
        operation: 'MailItemsAccessed',
        category: 'mail-read',
        actor: 'alice@contoso.com',
        clientIp: '146.70.53.21',
        tokenId: 'UTI-1',
      }),
      // UAL record with the session id from another IP (the attacker's second hop).
      ev({ tsUs: T + 2 * MIN, operation: 'Send', actor: 'alice@contoso.com', clientIp: '102.89.34.12', sessionId: 'S1' }),
      // Token with no known session.
      ev({ tsUs: T + 3 * MIN, operation: 'MailItemsAccessed', category: 'mail-read', actor: 'bob@contoso.com', tokenId: 'UTI-9' }),
      // No ids: heuristic (actor, IP, UA), split by a 2-hour gap.
      ev({ tsUs: T, operation: 'Send', actor: 'carol@contoso.com', clientIp: '24.21.77.90', userAgent: 'Outlook' }),
      ev({ tsUs: T + 10 * MIN, operation: 'Send', actor: 'carol@contoso.com', clientIp: '24.21.77.90', userAgent: 'Outlook' }),
      ev({ tsUs: T + 130 * MIN, operation: 'Send', actor: 'carol@contoso.com', clientIp: '24.21.77.90', userAgent: 'Outlook' }),
    ]);
    tagEvents(c.session, { ids: [ids[0]!], tag: 'malicious' });
    const sessions = buildSessions(c.session);
    const s1 = sessions.find((s) => s.key === 'sid:S1')!;
    expect(s1).toMatchObject({ basis: 'session-id', events: 3, actors: ['alice@contoso.com'], flagged: true, signinEventIds: [ids[0]] });
    expect(s1.ips.sort()).toEqual(['102.89.34.12', '146.70.53.21']);
    expect(s1.countries.sort()).toEqual(['BG', 'NG']);
    expect(s1.operations).toEqual({ 'Sign-in': 1, MailItemsAccessed: 1, Send: 1 });
    expect(s1.sources.sort()).toEqual(['signin', 'ual']);
    expect(sessions.find((s) => s.key === 'uti:UTI-9')).toMatchObject({ basis: 'token-id', events: 1, flagged: false });
    const carol = sessions.filter((s) => s.actors.includes('carol@contoso.com'));
    expect(carol.map((s) => s.events).sort()).toEqual([1, 2]);
    expect(carol.every((s) => s.basis === 'heuristic')).toBe(true);
    // Each session's query lists exactly its events.
    for (const s of [...carol, sessions.find((x) => x.key === 'uti:UTI-9')!]) {
      expect(queryEvents(c.session, { query: s.query }).events.length, s.query).toBe(s.events);
    }
    expect(buildSessions(c.session, { actor: 'carol@contoso.com' }).length).toBe(2);
    expect(buildSessions(c.session, { flaggedOnly: true }).map((s) => s.key)).toEqual(['sid:S1']);
    expect(buildSessions(c.session, { actor: 'carol@contoso.com', gapUs: 200 * MIN }).length).toBe(1);
  });
});
