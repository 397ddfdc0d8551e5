/** Where a stream of evidence bytes came from. */
export type EvidenceOrigin =
  | {
      type: 'file';
      /** Absolute path on the acquiring machine. */
      path: string;
      /** Member path inside an archive (`.zip`), or `null` for a plain file. */
      member?: string | null;
      /** File modification time (µs) when known. */
      mtimeUs?: number | null;
      /** How the archive member was encrypted, when it was decrypted with a password given to the import (never the password). */
      decrypted?: 'zipcrypto' | 'aes-128' | 'aes-192' | 'aes-256';
    }
  | {
      type: 'http';
      method: string;
      /** URL without the query string. */
      url: string;
      /** Query parameters exactly as sent. */
      query: Record<string, string>;
      status: number;
      requestedAtUs: number;
      /** Response headers worth keeping (paging, throttling, request ids); never auth headers. */
      headers?: Record<string, string>;
      /** Collector source, e.g. `ual`, `signins`. */
      source?: string;
    }
  | {
      type: 'manual';
      /** Free text describing how the examiner obtained the bytes. */
      description: string;
    };

/** A stored, hashed evidence item. */
export interface EvidenceItem {
  id: number;
  /** What the bytes are, e.g. `file`, `http-response`, `archive-member`, `note`. */
  kind: string;
  origin: EvidenceOrigin;
  sha256: string;
  bytes: number;
  acquiredAtUs: number;
  /** Records the source said it contained (API count, header), when known. */
  declaredCount: number | null;
  /** Records parsed from it (imported + duplicates + quarantined). */
  parsedCount: number | null;
  /** Journal entry that recorded the acquisition. */
  custodySeq: number;
}

/** Result of adding bytes to the evidence store. */
export interface AddEvidenceResult {
  item: EvidenceItem;
  /** True when identical bytes were already stored and the existing item was reused. */
  repeated: boolean;
}

/** What a file origin adds when its archive member was decrypted: ` (decrypted: AES-256)`, else ''. */
export function decryptionNote(origin: EvidenceOrigin): string {
  if (origin.type !== 'file' || origin.decrypted === undefined) return '';
  return ` (decrypted: ${origin.decrypted === 'zipcrypto' ? 'ZipCrypto' : origin.decrypted.toUpperCase()})`;
}
