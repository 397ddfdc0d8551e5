import { describe, expect, it } from 'vitest';
import { formatOfResponse } from './index';
import { parseInstantUs } from './instant';
import { halve, isoZ, mgmtTime, odataString, splitRange } from './windows';

describe('parseInstantUs', () => {
  it('reads dates as UTC midnight, zone-less times as UTC, offsets and microseconds', () => {
    expect(parseInstantUs('2026-10-01', 'x')).toBe(Date.UTC(2026, 9, 1) * 1000);
    expect(parseInstantUs('2026-10-01T12:30', 'x')).toBe(Date.UTC(2026, 9, 1, 12, 30) * 1000);
    expect(parseInstantUs('2026-10-01T12:30:00+02:00', 'x')).toBe(Date.UTC(2026, 9, 1, 10, 30) * 1000);
    expect(parseInstantUs('2026-10-01T00:00:00.000123Z', 'x')).toBe(Date.UTC(2026, 9, 1) * 1000 + 123);
  });

  it('refuses locale dates and impossible dates, naming the option', () => {
    expect(() => parseInstantUs('10/1/2026', '--from')).toThrow(/--from: not an ISO 8601/);
    expect(() => parseInstantUs('2026-02-30', '--to')).toThrow(/--to: no such date/);
    expect(() => parseInstantUs('2026-01-01T24:00', '--to')).toThrow(/no such date or time/);
  });
});

describe('windows', () => {
  it('splits ranges, halves on whole seconds and spells times the services want', () => {
    expect(splitRange(0, 25, 10)).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
    expect(halve(0, 3001)).toEqual([
      [0, 1000],
      [1000, 3001],
    ]);
    expect(isoZ(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00Z');
    expect(isoZ(Date.UTC(2026, 0, 1) + 5)).toBe('2026-01-01T00:00:00.005Z');
    expect(mgmtTime(Date.UTC(2026, 0, 1, 5))).toBe('2026-01-01T05:00:00');
    expect(odataString("o'brien@x")).toBe("'o''brien@x'");
  });
});

describe('formatOfResponse (responses recovered after a kill)', () => {
  const origin = (source: string, url: string) => ({
    type: 'http' as const,
    method: 'GET',
    url,
    query: {},
    status: 200,
    requestedAtUs: 0,
    source,
  });
  it('maps each collector URL to the import format it was parsed with', () => {
    expect(formatOfResponse(origin('ual', 'https://g/v1.0/security/auditLog/queries/q/records'))).toEqual({
      format: 'graph-audit-records',
    });
    expect(formatOfResponse(origin('ual', 'https://g/v1.0/security/auditLog/queries/q'))).toEqual({ format: null });
    expect(formatOfResponse(origin('mgmt', 'https://m/api/v1.0/t/activity/feed/audit/abc'))).toEqual({ format: 'ual-json' });
    expect(formatOfResponse(origin('mgmt', 'https://m/api/v1.0/t/activity/feed/subscriptions/content'))).toEqual({ format: null });
    expect(formatOfResponse(origin('activities', "https://o/api/v2.0/Users('a@x')/Activities"))).toEqual({
      format: 'activities-json',
      mailbox: 'a@x',
    });
    expect(formatOfResponse(origin('mailbox', 'https://g/v1.0/users/a%40x/mailboxSettings'))).toEqual({
      format: 'graph-mailbox-settings',
      mailbox: 'a@x',
    });
    expect(formatOfResponse(origin('mailbox', 'https://g/v1.0/servicePrincipals'))).toEqual({ format: null });
  });
});
