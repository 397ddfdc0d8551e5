/** Display of µs timestamps in the chosen zone, always with the offset (via the shared formatter). */
import { formatUs, zonedParts } from '../../shared/time/format';

export { formatUs, zonedParts };

/** Every IANA zone this runtime knows, UTC first. */
export function allTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/** The zone of this machine. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** `+02:00` for `zone` at `us`. */
export function offsetAt(us: number, zone: string): string {
  return zonedParts(us, zone).offset;
}

/** A `datetime-local` input value (`YYYY-MM-DDTHH:MM`) for `us` shown in `zone`. */
export function toLocalInput(us: number, zone: string): string {
  const p = zonedParts(us, zone);
  return `${p.date}T${p.time.slice(0, 5)}`;
}

/** Parses a `datetime-local` value as wall time in `zone`; null when empty or invalid. */
export function fromLocalInput(value: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)) * 1000;
  // The offset depends on the instant; two passes settle it across DST changes.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) guess = asUtc - offsetMinutes(guess, zone) * 60_000_000;
  return guess;
}

/** The UTC offset of `zone` at `us`, in minutes. */
export function offsetMinutes(us: number, zone: string): number {
  const o = offsetAt(us, zone);
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(o);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** A short human duration for `us` microseconds (`3 d`, `4 h`, `12 min`, `8 s`). */
export function humanSpan(us: number): string {
  const s = us / 1e6;
  if (s >= 86400 * 2) return `${Math.round(s / 86400)} d`;
  if (s >= 7200) return `${Math.round(s / 3600)} h`;
  if (s >= 120) return `${Math.round(s / 60)} min`;
  if (s >= 2) return `${Math.round(s)} s`;
  return `${Math.round(us / 1000)} ms`;
}
