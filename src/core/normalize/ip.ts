/**
 * Client IPs in canonical form: no port, no brackets, IPv6 compressed and lower-cased, IPv4-mapped
 * IPv6 as plain IPv4 (ipaddr.js does the parsing). UAL `ClientIP` may be `1.2.3.4:5678` or
 * `[2001:db8::1]:443`; sources also write `<null>`, `Not Available` or empty strings.
 */
import ipaddr from 'ipaddr.js';

const cache = new Map<string, string | null>();
const CACHE_MAX = 50_000;

function parse(text: string): string | null {
  let s = text.trim();
  if (s.length === 0) return null;
  if (s.charCodeAt(0) === 91) {
    // [v6] or [v6]:port
    const end = s.indexOf(']');
    if (end < 0) return null;
    s = s.slice(1, end);
  } else {
    const firstColon = s.indexOf(':');
    if (firstColon >= 0 && s.indexOf(':', firstColon + 1) < 0 && s.indexOf('.') >= 0) s = s.slice(0, firstColon); // v4:port
  }
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s).toString();
  if (ipaddr.IPv6.isValid(s)) {
    const v6 = ipaddr.IPv6.parse(s);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toString();
  }
  return null;
}

/** Canonical IP, or `null` when `value` holds no IP address. */
export function canonicalIp(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const ip = parse(value);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(value, ip);
  return ip;
}
