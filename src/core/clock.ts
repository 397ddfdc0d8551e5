/** A source of "now" in integer microseconds since the Unix epoch, UTC. Injected so tests are deterministic. */
export type Clock = () => number;

/** Wall-clock time with microsecond resolution where the platform offers it. */
export const systemClock: Clock = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** A clock that starts at `startUs` and advances by `stepUs` on every call (for tests). */
export function steppingClock(startUs: number, stepUs = 1000): Clock {
  let now = startUs - stepUs;
  return () => (now += stepUs);
}
