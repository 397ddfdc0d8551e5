import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev } from '../../../test/helpers/events';
import { queryEvents } from '../analyze/queries';
import { listSources } from '../store/enrichment-repo';
import { loadAsnIndex, v6Words } from './asn-index';
import { canonicalIp, cidrRange, ipKey, specialRange } from './ip';
import { createIpEnricher, defaultIpEnricher, matchToolAgent, parseUserAgent, recordEnrichmentSources, reenrichCase } from './index';
import { packageFile } from './resources';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('IP helpers', () => {
  it('canonicalises, keys and ranges IPv4 and IPv6', () => {
    expect(canonicalIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(canonicalIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(canonicalIp('nope')).toBeNull();
    const r = cidrRange('185.73.0.0/16');
    expect(ipKey('185.73.255.255')!.compare(r.hi)).toBe(0);
    expect(ipKey('185.73.0.0')!.compare(r.lo)).toBe(0);
    expect(ipKey('185.74.0.0')!.compare(r.hi)).toBe(1);
    const r6 = cidrRange('2a01:111::/32');
    expect(ipKey('2a01:111:f400::1')!.compare(r6.lo) >= 0 && ipKey('2a01:111:f400::1')!.compare(r6.hi) <= 0).toBe(true);
    expect(() => cidrRange('1.2.3.4/40')).toThrow(/not a CIDR/);
    expect(specialRange('10.0.0.1')).toBe('private');
    expect(specialRange('fd00::1')).toBe('private');
    expect(specialRange('203.0.113.9')).toBe('reserved');
    expect(specialRange('8.8.8.8')).toBeNull();
    expect([...v6Words('2001:db8::1')!]).toEqual([0x20010db8, 0, 0, 1]);
  });
});

describe('offline enrichment with the bundled databases', () => {
  it('finds country, ASN and organisation for IPv4 and IPv6, flags private / Microsoft / hosting / anonymiser', () => {
    const e = createIpEnricher({ cacheDir: mkdtempSync(join(tmpdir(), 'mt-asn-')) });
    expect(e.describe('8.8.8.8')).toMatchObject({ country: 'US', asn: 15169, asOrg: 'Google LLC', flags: [] });
    expect(e.describe('2001:4860:4860::8888')).toMatchObject({ asn: 15169 });
    expect(e.describe('146.70.53.21')).toMatchObject({ country: 'BG', asn: 9009, flags: ['anonymizer'] });
    expect(e.describe('159.89.12.4').flags).toContain('hosting');
    expect(e.describe('40.92.1.1').flags).toEqual(['microsoft-service', 'microsoft']);
    expect(e.describe('2603:1036:400::1').flags).toContain('microsoft-service');
    expect(e.describe('20.1.2.3').flags).toEqual(['microsoft']);
    expect(e.describe('192.168.1.1')).toMatchObject({ country: null, asn: null, flags: ['private'] });
    expect(e.lookup('192.168.1.1')).toBeNull();
    expect(e.lookup('146.70.53.21')).toEqual({ country: 'BG', asn: 9009, asOrg: 'M247 Europe SRL' });
    const sources = e.sources();
    expect(sources.map((s) => s.name)).toEqual(
      expect.arrayContaining(['@ip-location-db/geo-whois-asn-country-mmdb', '@ip-location-db/asn']),
    );
    expect(sources.find((s) => s.name === '@ip-location-db/geo-whois-asn-country-mmdb')!.buildDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(defaultIpEnricher()).toBe(defaultIpEnricher());
  });

  it('accepts a user-supplied city database: recorded with its hash (fields stay empty when it has none)', () => {
    // No GeoLite2-City ships with Mailtrail; any mmdb exercises the loading and citation path.
    const mmdb = packageFile('@ip-location-db/geo-whois-asn-country-mmdb', 'geo-whois-asn-country-ipv4.mmdb').path;
    const e = createIpEnricher({ cityDb: mmdb });
    expect(e.describe('8.8.8.8')).toMatchObject({ country: 'US', city: null, latitude: null });
    const city = e.sources().find((s) => s.provides.includes('city'))!;
    expect(city.name).toMatch(/geo-whois-asn-country-ipv4\.mmdb/);
    expect(city.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(() => createIpEnricher({ cityDb: '/nonexistent.mmdb' }).describe('8.8.8.8')).toThrow(
      /cannot read the city database \/nonexistent\.mmdb/,
    );
    expect(() => createIpEnricher({ cityDb: packageFile('@ip-location-db/asn', 'README.md').path }).describe('8.8.8.8')).toThrow(
      /is not a MaxMind database/,
    );
  });

  it('caches the parsed ASN index: the second load reads the cache and answers the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mt-asn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const v4 = packageFile('@ip-location-db/asn', 'asn-ipv4-num.csv').path;
    const v6 = packageFile('@ip-location-db/asn', 'asn-ipv6.csv').path;
    const a = loadAsnIndex(v4, v6, join(dir, 'asn.bin'));
    const t0 = performance.now();
    const b = loadAsnIndex(v4, v6, join(dir, 'asn.bin'));
    const ms = performance.now() - t0;
    expect(b.rangesV4).toBe(a.rangesV4);
    expect(b.rangesV6).toBe(a.rangesV6);
    expect(b.lookupV4(0x08080808)).toEqual(a.lookupV4(0x08080808));
    expect(b.lookupV6(v6Words('2a01:111:f400::1')!)).toEqual(a.lookupV6(v6Words('2a01:111:f400::1')!));
    expect(ms).toBeLessThan(5000);
  });

  it('parses user agents and recognises tool agents from the maintained list', () => {
    expect(matchToolAgent('python-requests/2.32.3')?.id).toBe('python-requests');
    expect(matchToolAgent('axios/1.7.7')?.severity).toBe('high');
    expect(matchToolAgent('Go-http-client/1.1')?.id).toBe('go-http-client');
    expect(matchToolAgent('curl/8.5.0')?.id).toBe('curl');
    expect(matchToolAgent('BAV2ROPC')?.id).toBe('bav2ropc');
    expect(matchToolAgent('node-fetch/1.0')?.id).toBe('node-fetch');
    expect(matchToolAgent('undici')?.id).toBe('undici');
    expect(matchToolAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) WindowsPowerShell/5.1.19041.1')?.id).toBe('powershell');
    expect(matchToolAgent('azurehound/v2.1.7')?.id).toBe('azurehound');
    expect(
      matchToolAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'),
    ).toBeNull();
    expect(matchToolAgent('Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)')).toBeNull();
    expect(
      parseUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
      ),
    ).toMatchObject({
      browser: expect.stringMatching(/Safari/),
      os: expect.stringMatching(/iOS/),
      tool: null,
    });
  });

  it('records the sources in the case once (journaled) and re-runs enrichment (journaled)', async () => {
    const c = await analysisCase();
    cleanups.push(c.cleanup);
    const [id] = c.write([ev({ clientIp: '146.70.53.21' })]);
    expect(recordEnrichmentSources(c.session).length).toBeGreaterThan(2);
    expect(recordEnrichmentSources(c.session)).toEqual([]);
    const sources = listSources(c.db);
    expect(sources.find((s) => s.name === '@ip-location-db/asn')).toMatchObject({
      provides: ['asn', 'as_org'],
      buildDate: expect.stringMatching(/^\d{4}-/),
    });
    expect(c.session.journal.list(0, 100).filter((e) => e.action === 'enrich.sources').length).toBe(1);
    // Damage the stored enrichment, then re-run it.
    c.db.prepare('UPDATE events SET country = NULL, asn = NULL, as_org = NULL WHERE id = ?').run(id);
    const r = reenrichCase(c.session);
    expect(r).toMatchObject({ ips: 1, eventsChanged: 1 });
    expect(queryEvents(c.session, { query: 'country:BG asn:9009' }).events.map((e) => e.id)).toEqual([id]);
    expect(c.session.journal.list(0, 100).some((e) => e.action === 'enrich.rerun' && e.details['events_changed'] === 1)).toBe(true);
    expect(reenrichCase(c.session).eventsChanged).toBe(0);
  });
});
