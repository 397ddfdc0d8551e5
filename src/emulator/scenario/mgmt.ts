/**
 * How the Management Activity API packs the UAL into content blobs: each record becomes available
 * 15–90 minutes after it happened; a blob holds the records of one content type, one group of
 * users and one availability hour, in no particular order; about 3% of records are published
 * again in the next blob (the documented by-design duplicates).
 */
import { mix32 } from '../util/rng';
import { HOUR, MIN, SEC } from '../util/time';
import { stubHash, type Stub } from './plan';
import { contentTypeOf } from './records/ual';

export const CONTENT_TYPES = ['Audit.AzureActiveDirectory', 'Audit.Exchange', 'Audit.SharePoint', 'Audit.General', 'DLP.All'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** Users per blob group. */
export const USERS_PER_BLOB = 25;

/** When a record becomes retrievable. */
export function availableAt(s: Stub): number {
  return s.t + (15 + (stubHash(s) % 75)) * MIN;
}

/** Whether a record is published a second time (in the next blob). */
export function isRepublished(s: Stub): boolean {
  return mix32(stubHash(s) ^ 0x9e3779b9) % 100 < 3;
}

/** The blob group of a user (tenant-level records go to group 0). */
export function blobGroup(u: number): number {
  return u < 0 ? 0 : Math.floor(u / USERS_PER_BLOB);
}

/** `contentCreated` of the blob (availability hour, group). */
export function blobCreated(hour: number, group: number): number {
  return hour * HOUR + 45 * MIN + (group % 300) * 7 * SEC;
}

/** The content type a UAL stub is published under. */
export function stubContentType(s: Stub): ContentType {
  return contentTypeOf(s.rt ?? 0);
}

/** A blob's identity. */
export interface BlobKey {
  contentType: ContentType;
  hour: number;
  group: number;
}

const CT_CODE: Record<ContentType, string> = {
  'Audit.AzureActiveDirectory': 'aad',
  'Audit.Exchange': 'exch',
  'Audit.SharePoint': 'spo',
  'Audit.General': 'gen',
  'DLP.All': 'dlp',
};

/** The `contentId` of a blob (opaque to clients, parsed back by the server). */
export function contentId(tenantId: string, key: BlobKey): string {
  const d = new Date(key.hour * HOUR);
  const stamp = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${String(d.getUTCHours()).padStart(2, '0')}`;
  const n = key.hour * 3600;
  return `${n}$${n + 3599}$${tenantId.replace(/-/g, '')}${CT_CODE[key.contentType]}${stamp}$${key.group.toString(16).padStart(8, '0')}$emu`;
}

/** Parses a `contentId`; null when it is not one of ours. */
export function parseContentId(tenantId: string, id: string): BlobKey | null {
  const m = /^(\d+)\$(\d+)\$([0-9a-f]{32})(aad|exch|spo|gen|dlp)(\d{10})\$([0-9a-f]{8})\$emu$/.exec(id);
  if (!m || m[3] !== tenantId.replace(/-/g, '')) return null;
  const start = Number(m[1]);
  if (start % 3600 !== 0 || Number(m[2]) !== start + 3599) return null;
  const contentType = (Object.keys(CT_CODE) as ContentType[]).find((k) => CT_CODE[k] === m[4]);
  if (!contentType) return null;
  return { contentType, hour: start / 3600, group: parseInt(m[6]!, 16) };
}
