import { describe, expect, it } from 'vitest';
import { FAULT_PROFILES, FaultInjector, RateLimiter, resolveFaultProfile } from './faults';

describe('fault injection', () => {
  it('fires by schedule (at, every, limit) per target', () => {
    const f = new FaultInjector(
      {
        name: 't',
        rules: [
          { target: 'ual', kind: 'throttle', at: [2] },
          { target: 'mgmt', kind: 'error500', every: 3, limit: 2 },
        ],
      },
      1,
    );
    expect([1, 2, 3].map(() => f.transport('ual')?.kind ?? null)).toEqual([null, 'throttle', null]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => f.transport('mgmt')?.kind ?? null)).toEqual([
      null,
      null,
      'error500',
      null,
      null,
      'error500',
      null,
      null,
      null,
    ]);
    expect(f.transport('signins')).toBeNull();
  });

  it('fires by rate, deterministically for a seed, and * never hits identity', () => {
    const run = (seed: number): number[] => {
      const f = new FaultInjector(FAULT_PROFILES.bench!, seed);
      const hits: number[] = [];
      for (let i = 1; i <= 500; i++) if (f.transport('ual')) hits.push(i);
      return hits;
    };
    const a = run(5);
    expect(run(5)).toEqual(a);
    expect(run(6)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(40);
    expect(a.length).toBeLessThan(85);
    const star = new FaultInjector({ name: 's', rules: [{ target: '*', kind: 'throttle', rate: 1 }] }, 1);
    expect(star.transport('identity')).toBeNull();
    expect(star.transport('activities')?.kind).toBe('throttle');
  });

  it('resolves named profiles and validates programmatic ones', () => {
    expect(resolveFaultProfile(undefined).rules).toEqual([]);
    expect(resolveFaultProfile('flaky').name).toBe('flaky');
    expect(() => resolveFaultProfile('nope')).toThrow(/unknown fault profile/);
    expect(() => resolveFaultProfile({ name: 'x', rules: [{ target: 'ual', kind: 'throttle', rate: 2 }] })).toThrow(/rate/);
    expect(() => resolveFaultProfile({ name: 'x', rules: [{ target: 'nowhere' as never, kind: 'throttle', rate: 0.1 }] })).toThrow(
      /target/,
    );
  });

  it('rate limiter: a token bucket with an explicit rate', () => {
    const limits = { identity: { requestsPerSecond: 10, burst: 2 } } as never;
    const r = new RateLimiter(limits);
    expect(r.take('identity', 0)).toBe(0);
    expect(r.take('identity', 0)).toBe(0);
    expect(r.take('identity', 0)).toBe(1);
    expect(r.take('identity', 100)).toBe(0);
  });
});
