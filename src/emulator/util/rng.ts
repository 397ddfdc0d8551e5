/**
 * Deterministic randomness for the scenario generator. Every value the emulator serves is derived
 * from the scenario seed and the coordinates of the record (user, local day, kind, index), never
 * from a shared sequential stream, so any hour of any user can be regenerated on its own, in any
 * order, and always yields the same bytes.
 */

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/**
 * A bijection on 128-bit values (ChaCha quarter rounds with round constants). Distinct inputs
 * always give distinct outputs; a GUID keeps 122 of those bits, so two record ids collide with a
 * probability of about n²/2¹²³ (nil for any scenario size).
 */
export function permute128(a0: number, b0: number, c0: number, d0: number): [number, number, number, number] {
  let a = a0 | 0;
  let b = b0 | 0;
  let c = c0 | 0;
  let d = d0 | 0;
  for (let r = 0; r < 6; r++) {
    a = (a + 0x9e3779b9 + r) | 0;
    a = (a + b) | 0;
    d = rotl(d ^ a, 16);
    c = (c + d) | 0;
    b = rotl(b ^ c, 12);
    a = (a + b) | 0;
    d = rotl(d ^ a, 8);
    c = (c + d) | 0;
    b = rotl(b ^ c, 7);
    // Rotate the words so every word takes every role (still a bijection).
    const t = a;
    a = b;
    b = c;
    c = d;
    d = t;
  }
  return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
}

/** 32-bit FNV-1a of a string (for keys made of text, e.g. a folder name). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Final avalanche of murmur3 (a cheap 32-bit hash of a 32-bit value). */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32: a small, fast generator with 128 bits of state (no short cycles for our stream lengths). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(words: readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = words;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A generator for the given coordinates (each a 32-bit integer). */
  static at(seed: number, tag: number, x: number, y: number): Rng {
    return new Rng(permute128(seed, tag, x, y));
  }

  /** Next unsigned 32-bit value. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = rotl(this.c, 21);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new Error('pick from an empty list');
    return v;
  }

  /** One element chosen with the given weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.float() * total;
    for (const [v, w] of items) {
      x -= w;
      if (x < 0) return v;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** Poisson-distributed count (Knuth; fine for the small means used here). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.float();
    } while (p > l && k < 1000);
    return k - 1;
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[(x >>> 24) & 255]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/** A version-4-shaped GUID (lower-case) from four words. */
export function guidFromWords(w: readonly [number, number, number, number]): string {
  const a = hex32(w[0]);
  const b = hex32(w[1]);
  const c = hex32(((w[2] & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex32(w[3]);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** Four words as a hex string of 32 characters. */
export function hexFromWords(w: readonly [number, number, number, number]): string {
  return hex32(w[0]) + hex32(w[1]) + hex32(w[2]) + hex32(w[3]);
}

/** Bytes (big-endian) of a sequence of words. */
export function bytesFromWords(words: readonly number[]): Buffer {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32BE(w >>> 0, i * 4));
  return b;
}
