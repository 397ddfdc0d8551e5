import { describe, expect, it } from 'vitest';
import { formatUs, isoUs } from './format';

const us = (iso: string, extraMicros = 0) => Date.parse(iso) * 1000 + extraMicros;

describe('time display', () => {
  it('shows UTC with microseconds and offset', () => {
    expect(formatUs(us('2023-09-20T04:05:03.123Z', 456), 'UTC')).toBe('2023-09-20 04:05:03.123456 +00:00');
    expect(isoUs(us('2023-09-20T04:05:03.123Z', 456))).toBe('2023-09-20T04:05:03.123456Z');
  });

  it('applies the zone offset including daylight saving', () => {
    expect(formatUs(us('2023-09-20T04:05:03Z'), 'Europe/Berlin', 0)).toBe('2023-09-20 06:05:03 +02:00');
    expect(formatUs(us('2023-01-20T04:05:03Z'), 'Europe/Berlin', 0)).toBe('2023-01-20 05:05:03 +01:00');
    expect(formatUs(us('2023-01-20T04:05:03Z'), 'America/St_Johns', 3)).toBe('2023-01-20 00:35:03.000 -03:30');
    expect(formatUs(us('2023-01-20T04:05:03Z'), 'Asia/Kolkata', 0)).toBe('2023-01-20 09:35:03 +05:30');
  });

  it('handles times before the epoch', () => {
    expect(isoUs(-1)).toBe('1969-12-31T23:59:59.999999Z');
  });
});
