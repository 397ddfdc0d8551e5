import { describe, expect, it } from 'vitest';
import { FilterError, evaluate, fieldsOf, parseFilter, timeBounds } from './odata';

const rec: Record<string, unknown> = {
  createdDateTime: '2026-10-29T14:21:05.1234567Z',
  userPrincipalName: "o'brien@contoso.example",
  status: { errorCode: 0 },
  signInEventTypes: ['nonInteractiveUser'],
  isInteractive: false,
};
const get = (f: string): unknown =>
  f.split('/').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), rec);

describe('OData $filter', () => {
  it('evaluates dates, strings with quotes, nested paths, lambdas and functions', () => {
    const ok = [
      'createdDateTime ge 2026-10-29T14:00:00Z and createdDateTime le 2026-10-29T15:00:00Z',
      "userPrincipalName eq 'O''Brien@contoso.example'",
      'status/errorCode eq 0',
      "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')",
      "startsWith(userPrincipalName, 'o''b')",
      'not (isInteractive eq true)',
      "(createdDateTime lt 2026-10-29T14:21:05Z) or (userPrincipalName ne 'x')",
    ];
    for (const f of ok) expect(evaluate(parseFilter(f), get), f).toBe(true);
    expect(evaluate(parseFilter("signInEventTypes/any(t: t eq 'servicePrincipal')"), get)).toBe(false);
    expect(evaluate(parseFilter('createdDateTime lt 2026-10-29T14:21:05Z'), get)).toBe(false);
  });

  it('reports where a filter is wrong', () => {
    for (const [f, msg] of [
      ["userPrincipalName eq 'x", /unterminated/],
      ['createdDateTime gee 2026-01-01', /operator/],
      ['(a eq 1', /unexpected end/],
      ['a eq 1 b', /unexpected 'b'/],
    ] as const) {
      expect(() => parseFilter(f)).toThrow(FilterError);
      expect(() => parseFilter(f)).toThrow(msg);
    }
  });

  it('extracts time bounds from top-level and-clauses only', () => {
    const e = parseFilter("createdDateTime ge 2026-01-01T00:00:00Z and createdDateTime le 2026-01-02T00:00:00Z and appId eq 'x'");
    expect(timeBounds(e, 'createdDateTime')).toEqual([Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-02T00:00:00Z') + 1]);
    const or = parseFilter("createdDateTime ge 2026-01-01T00:00:00Z or appId eq 'x'");
    expect(timeBounds(or, 'createdDateTime')).toEqual([-Infinity, Infinity]);
    expect(fieldsOf(parseFilter("a eq 1 and b/any(t: t eq 'x')"))).toEqual(['a', 'b/any']);
  });
});
