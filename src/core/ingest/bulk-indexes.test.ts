import { describe, expect, it } from 'vitest';
import {
  BULK_BYTES_PER_RECORD,
  BULK_MAX_EXISTING_PER_NEW,
  BULK_MIN_BYTES,
  bulkIndexesWorthIt,
  REBUILD_CACHE_MAX_KIB,
  rebuildCacheKib,
} from './bulk-indexes';

describe('bulkIndexesWorthIt', () => {
  const mib = 1024 * 1024;

  it('maintains the indexes for small inputs, whatever the case holds', () => {
    expect(bulkIndexesWorthIt(BULK_MIN_BYTES - 1, 0)).toBe(false);
    expect(bulkIndexesWorthIt(BULK_MIN_BYTES, 0)).toBe(true);
  });

  it('rebuilds for a large input into a large case, up to the measured break-even', () => {
    // A second 1.6 GB export into a case of a million events: 383 s maintained, 112 s rebuilt.
    expect(bulkIndexesWorthIt(1600 * mib, 1_000_000)).toBe(true);
    // 160 MB into the same case: 38.7 s maintained, 30.7 s rebuilt.
    expect(bulkIndexesWorthIt(160 * mib, 1_000_000)).toBe(true);
    const expected = (64 * mib) / BULK_BYTES_PER_RECORD;
    expect(bulkIndexesWorthIt(64 * mib, expected * BULK_MAX_EXISTING_PER_NEW)).toBe(true);
    expect(bulkIndexesWorthIt(64 * mib, expected * BULK_MAX_EXISTING_PER_NEW + 1)).toBe(false);
    expect(bulkIndexesWorthIt(40 * mib, 5_000_000)).toBe(false);
  });
});

describe('rebuildCacheKib', () => {
  const plenty = 1024 * 1024;

  it('grows with the table', () => {
    const small = rebuildCacheKib(10_000, plenty)!;
    const large = rebuildCacheKib(200_000, plenty)!;
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeLessThanOrEqual(REBUILD_CACHE_MAX_KIB);
  });

  it('gives up when the table would not fit: beyond the cap, or beyond the memory left', () => {
    expect(rebuildCacheKib(1_000_000, plenty)).toBeNull();
    const need = rebuildCacheKib(200_000, plenty)!;
    expect(rebuildCacheKib(200_000, need)).toBe(need);
    expect(rebuildCacheKib(200_000, need - 1)).toBeNull();
    expect(rebuildCacheKib(200_000, -5)).toBeNull();
  });
});
