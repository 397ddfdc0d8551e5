import { describe, expect, it } from 'vitest';
import type { MailtrailError } from '../../../shared/errors';
import { parseQuery, parseTimeValue, quoteValue } from './parse';

const NOW = Date.UTC(2026, 0, 10) * 1000;
const p = (q: string) => parseQuery(q, NOW);

function errorOf(q: string): MailtrailError {
  try {
    p(q);
  } catch (err) {
    return err as MailtrailError;
  }
  throw new Error(`no error for ${q}`);
}

describe('parseQuery', () => {
  it('returns null for an empty query', () => {
    expect(p('')).toBeNull();
    expect(p('   ')).toBeNull();
  });

  it('parses free text, phrases and prefixes', () => {
    expect(p('invoice')).toEqual({ kind: 'text', value: { text: 'invoice', quoted: false, wildcard: false }, column: 1 });
    expect(p('"wire transfer"')).toMatchObject({ kind: 'text', value: { text: 'wire transfer', quoted: true } });
    expect(p('inv*')).toMatchObject({ kind: 'text', value: { text: 'inv*', wildcard: true } });
  });

  it('parses field:value with aliases, quotes and wildcards', () => {
    expect(p('op:New-InboxRule')).toMatchObject({ kind: 'field', field: 'operation', value: { text: 'New-InboxRule' } });
    expect(p('ua:"Mozilla/5.0 (X11)"')).toMatchObject({ kind: 'field', field: 'ua', value: { text: 'Mozilla/5.0 (X11)', quoted: true } });
    expect(p('actor:*@evil.com')).toMatchObject({ kind: 'field', field: 'actor', value: { wildcard: true } });
    expect(p('ip:185.73.0.0/16')).toMatchObject({ kind: 'field', field: 'ip', value: { text: '185.73.0.0/16' } });
    expect(p('ip:2001:db8::/32')).toMatchObject({ kind: 'field', field: 'ip', value: { text: '2001:db8::/32' } });
  });

  it('gives AND precedence over OR, and supports NOT, - and parentheses', () => {
    expect(p('a b OR c')).toMatchObject({ kind: 'or', children: [{ kind: 'and' }, { kind: 'text' }] });
    expect(p('a AND (b OR c)')).toMatchObject({ kind: 'and', children: [{ kind: 'text' }, { kind: 'or' }] });
    expect(p('NOT country:US')).toMatchObject({ kind: 'not', child: { kind: 'field', field: 'country' } });
    expect(p('-country:US')).toMatchObject({ kind: 'not', child: { kind: 'field', field: 'country' } });
    expect(p('-(a OR b)')).toMatchObject({ kind: 'not', child: { kind: 'or' } });
    expect(p('NOT NOT a')).toMatchObject({ kind: 'not', child: { kind: 'not' } });
  });

  it('parses absolute and relative times', () => {
    expect(p('after:2026-01-02')).toEqual({ kind: 'time', op: 'after', us: Date.UTC(2026, 0, 2) * 1000, column: 1 });
    expect(p('before:2026-01-02T10:30:00')).toMatchObject({ us: Date.UTC(2026, 0, 2, 10, 30) * 1000 });
    expect(p('before:2026-01-02T10:30:00+02:00')).toMatchObject({ us: Date.UTC(2026, 0, 2, 8, 30) * 1000 });
    expect(p('after:-7d')).toMatchObject({ us: NOW - 7 * 86400e6 });
    expect(parseTimeValue('-12h', NOW)).toBe(NOW - 12 * 3600e6);
    expect(parseTimeValue('-30m', NOW)).toBe(NOW - 30 * 60e6);
    expect(parseTimeValue('nonsense', NOW)).toBeNull();
  });

  it('names the column of each error', () => {
    expect(errorOf('a OR').message).toMatch(/column 3: OR needs a term/);
    expect(errorOf('(a b').message).toMatch(/column 1: unclosed "\("/);
    expect(errorOf('a b)').message).toMatch(/column 4: unbalanced "\)"/);
    expect(errorOf('foo:bar').message).toMatch(/column 1: unknown field "foo"/);
    expect(errorOf('actor:"x').message).toMatch(/column 7: unterminated quote/);
    expect(errorOf('x after:yesterday').message).toMatch(/column 9: after: expects/);
    expect(errorOf('star:maybe').message).toMatch(/column 6: star: expects true or false/);
    expect(errorOf('in*voice').message).toMatch(/column 3: free text supports only a trailing \*/);
    expect(errorOf('country:').message).toMatch(/column 9: country: needs a value/);
    expect(errorOf('()').details).toEqual({ column: 1 });
    expect(errorOf('a OR').code).toBe('INVALID_INPUT');
  });

  it('quotes values for generated queries', () => {
    expect(quoteValue('alice@contoso.com')).toBe('alice@contoso.com');
    expect(quoteValue('Mozilla/5.0 (X11)')).toBe('"Mozilla/5.0 (X11)"');
    expect(quoteValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(p(`ua:${quoteValue('say "hi" (x)')}`)).toMatchObject({ value: { text: 'say "hi" (x)', quoted: true } });
  });
});
