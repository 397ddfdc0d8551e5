/**
 * Client IPs in canonical form: no port, no brackets, IPv6 compressed and lower-cased, IPv4-mapped
 * IPv6 as plain IPv4 (ipaddr.js does the parsing). UAL `ClientIP` may be `1.2.3.4:5678` or
 * `[2001:db8::1]:443`; sources also write `<null>`, `Not Available` or empty strings.
 */
import ipaddr from 'ipaddr.js';

const cache = new Map<string, string | null>();
const CACHE_MAX = 50_000;

/** The address part of `text`: trimmed, brackets, port and zone removed (null when it cannot hold one). */
function hostPart(text: string): string | null {
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
  return zone >= 0 ? s.slice(0, zone) : s;
}

function canonical(host: string): string | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host).toString();
  if (ipaddr.IPv6.isValid(host)) {
    const v6 = ipaddr.IPv6.parse(host);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toString();
  }
  return null;
}

/** Canonical IP, or `null` when `value` holds no IP address. */
export function canonicalIp(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  // Cached by address, not by the text: the same address arrives with a different source port each time.
  const host = hostPart(value);
  if (host === null) return null;
  const hit = cache.get(host);
  if (hit !== undefined) return hit;
  const ip = canonical(host);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(host, ip);
  return ip;
}
