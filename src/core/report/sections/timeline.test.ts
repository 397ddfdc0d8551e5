import { describe, expect, it } from 'vitest';
import { chooseBins, niceMax } from './timeline';

describe('timeline chart scales', () => {
  it('picks the smallest bin width giving at most 120 bins, aligned to UTC multiples', () => {
    const day = 86400 * 1_000_000;
    const start = Date.UTC(2026, 0, 1, 10, 17) * 1000;
    const b = chooseBins(start, start + 4 * day);
    expect(b.label).toBe('hour');
    expect(b.startUs % 3_600_000_000).toBe(0);
    expect(b.bins).toBeLessThanOrEqual(120);
    expect(b.startUs + b.bins * b.binUs).toBeGreaterThan(start + 4 * day);
    expect(chooseBins(start, start).bins).toBe(1);
    expect(chooseBins(start, start + 400 * day).label).toBe('week');
  });
  it('rounds the y axis up to four whole steps', () => {
    expect(niceMax(0)).toBe(4);
    expect(niceMax(1)).toBe(4);
    expect(niceMax(27)).toBe(40);
    expect(niceMax(1000)).toBe(1000);
    expect(niceMax(1001)).toBe(2000);
    for (const n of [3, 7, 55, 99, 12345]) {
      const m = niceMax(n);
      expect(m).toBeGreaterThanOrEqual(n);
      expect(Number.isInteger(m / 4)).toBe(true);
    }
  });
});
