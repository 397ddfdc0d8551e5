import { describe, expect, it } from 'vitest';
import { Rng, guidFromWords, permute128 } from './rng';
import { graphTime, parseInstant, ualTime, usLocale } from './time';

describe('deterministic ids and draws', () => {
  it('permute128 is a bijection on the inputs tried and GUIDs are well formed', () => {
    const seen = new Set<string>();
    for (let x = 0; x < 200; x++) for (let y = 0; y < 50; y++) seen.add(guidFromWords(permute128(7, 5 << 20, x, y)));
    expect(seen.size).toBe(200 * 50);
    for (const g of [...seen].slice(0, 20)) expect(g).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('a generator at the same coordinates repeats; others differ', () => {
    const a = Rng.at(1, 2, 3, 4);
    const b = Rng.at(1, 2, 3, 4);
    const c = Rng.at(1, 2, 3, 5);
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(xs);
  });
});

describe('timestamp spellings', () => {
  it('UAL without zone, Graph with 7 digits, US locale, tolerant ISO parsing', () => {
    const ms = Date.parse('2026-10-29T14:21:05.123Z');
    expect(ualTime(ms)).toBe('2026-10-29T14:21:05');
    expect(graphTime(ms, 4567)).toBe('2026-10-29T14:21:05.1234567Z');
    expect(usLocale(ms)).toBe('10/29/2026 2:21:05 PM');
    expect(parseInstant('2026-10-29T14:21:05.1234567Z')).toBe(ms);
    expect(parseInstant('2026-10-29T14:21:05')).toBe(Date.parse('2026-10-29T14:21:05Z'));
    expect(parseInstant('2026-10-29')).toBe(Date.parse('2026-10-29T00:00:00Z'));
    expect(Number.isNaN(parseInstant('10/29/2026'))).toBe(true);
  });
});
