import { describe, expect, it } from 'vitest';
import { fromLocalInput, humanSpan, offsetMinutes, toLocalInput } from './time';

describe('display-zone input helpers', () => {
  it('round-trips wall time in a zone, across DST', () => {
    const summer = Date.UTC(2026, 6, 1, 10, 30) * 1000;
    expect(toLocalInput(summer, 'Europe/Berlin')).toBe('2026-07-01T12:30');
    expect(fromLocalInput('2026-07-01T12:30', 'Europe/Berlin')).toBe(summer);
    const winter = Date.UTC(2026, 0, 15, 23, 0) * 1000;
    expect(toLocalInput(winter, 'America/New_York')).toBe('2026-01-15T18:00');
    expect(fromLocalInput('2026-01-15T18:00', 'America/New_York')).toBe(winter);
    expect(offsetMinutes(summer, 'Asia/Kolkata')).toBe(330);
    expect(fromLocalInput('not a date', 'UTC')).toBeNull();
  });

  it('describes spans', () => {
    expect(humanSpan(3 * 86400e6)).toBe('3 d');
    expect(humanSpan(4 * 3600e6)).toBe('4 h');
    expect(humanSpan(15 * 60e6)).toBe('15 min');
    expect(humanSpan(900)).toBe('1 ms');
  });
});
