/**
 * IP address helpers shared by enrichment and search: canonical text, 16-byte sortable keys (IPv4
 * mapped into `::ffff:0:0/96`, so one key space serves both families) and CIDR blocks as key ranges.
 */
import ipaddr from 'ipaddr.js';

/** An inclusive range of 16-byte keys. */
export interface KeyRange {
  lo: Buffer;
  hi: Buffer;
}

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const addr = ipaddr.parse(ip.trim());
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address();
    return addr;
  } catch {
    return null;
  }
}

/** True when `ip` parses as IPv4 or IPv6. */
export function isIp(ip: string): boolean {
  return parse(ip) !== null;
}

/** Canonical text: IPv4 dotted quad, IPv6 compressed lower case, IPv4-mapped IPv6 as IPv4; null if invalid. */
export function canonicalIp(ip: string): string | null {
  const addr = parse(ip);
  return addr ? addr.toString() : null;
}

/** The 16-byte sortable key of an address, or null if it does not parse. */
export function ipKey(ip: string): Buffer | null {
  const addr = parse(ip);
  if (!addr) return null;
  if (addr.kind() === 'ipv4') return Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...addr.toByteArray()]);
  return Buffer.from(addr.toByteArray());
}

/**
 * Parses `a.b.c.d/n` or `v6::/n` into the inclusive key range it covers.
 * @throws Error with a reason when the text is not a CIDR block.
 */
export function cidrRange(text: string): KeyRange {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text.trim());
  } catch {
    throw new Error(`not a CIDR block: ${text}`);
  }
  let [addr, bits] = parsed;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  const bytes = addr.kind() === 'ipv4' ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...addr.toByteArray()] : addr.toByteArray();
  const prefix = addr.kind() === 'ipv4' ? bits + 96 : bits;
  const lo = Buffer.from(bytes);
  const hi = Buffer.from(bytes);
  for (let bit = prefix; bit < 128; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    lo[byte]! &= ~mask;
    hi[byte]! |= mask;
  }
  return { lo, hi };
}

/** `private` (RFC 1918, ULA, loopback, link-local, CGNAT), `reserved` (other special-use), or null for public unicast. */
export function specialRange(ip: string): 'private' | 'reserved' | null {
  const addr = parse(ip);
  if (!addr) return null;
  const range = addr.range();
  if (range === 'unicast') return null;
  if (['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat'].includes(range)) return 'private';
  return 'reserved';
}
