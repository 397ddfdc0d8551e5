/**
 * Display of stored times (integer µs since epoch, UTC) in a chosen IANA zone, always with the
 * zone's UTC offset, e.g. `2023-09-20 06:05:03.000000 +02:00`. Uses `Intl` only, so it behaves the
 * same in Node, Electron and the browser.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The parts of a time in a zone. */
export interface ZonedParts {
  date: string;
  time: string;
  /** Fractional seconds, 6 digits. */
  micros: string;
  /** `+HH:MM` / `-HH:MM`. */
  offset: string;
}

/** Splits a µs timestamp into zoned display parts. */
export function zonedParts(us: number, zone = 'UTC'): ZonedParts {
  const ms = Math.floor(us / 1000);
  const micros = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const tz = parts['timeZoneName'] ?? 'GMT';
  const offset = tz === 'GMT' ? '+00:00' : tz.replace('GMT', '');
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    time: `${parts['hour']}:${parts['minute']}:${parts['second']}`,
    micros,
    offset,
  };
}

/** `YYYY-MM-DD HH:MM:SS.ffffff ±HH:MM` in `zone`. */
export function formatUs(us: number, zone = 'UTC', precision: 0 | 3 | 6 = 6): string {
  const p = zonedParts(us, zone);
  const frac = precision === 0 ? '' : `.${p.micros.slice(0, precision)}`;
  return `${p.date} ${p.time}${frac} ${p.offset}`;
}

/** ISO 8601 UTC with microseconds and `Z`, e.g. `2023-09-20T04:05:03.000000Z`. */
export function isoUs(us: number): string {
  const p = zonedParts(us, 'UTC');
  return `${p.date}T${p.time}.${p.micros}Z`;
}
