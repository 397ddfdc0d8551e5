/**
 * Chunk codecs. Evidence is always hashed and sized as the original bytes; a codec only changes how
 * each chunk sits in the case file. Chunks are coded independently so any chunk can be read alone.
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EvidenceCodec } from '../store/evidence-repo';

export type { EvidenceCodec } from '../store/evidence-repo';

/** Encodes one chunk for storage. */
export function encodeChunk(codec: EvidenceCodec, data: Buffer): Buffer {
  // Level 1: exports and API pages are highly redundant text; speed matters more than the last percent.
  return codec === 'deflate-raw' ? deflateRawSync(data, { level: 1, strategy: constants.Z_DEFAULT_STRATEGY }) : data;
}

/** Decodes one stored chunk back to the original bytes. */
export function decodeChunk(codec: EvidenceCodec, stored: Buffer): Buffer {
  return codec === 'deflate-raw' ? inflateRawSync(stored) : stored;
}
