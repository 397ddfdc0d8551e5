/** The case's evidence items, fetched once per data version and shared by the screens that show them. */
import type { EvidenceListEntry } from '../../shared/model/ingest';
import { decryptionNote, type EvidenceOrigin } from '../../shared/model/evidence';
import { call } from '../api';

let cache: { version: number; items: Promise<EvidenceListEntry[]> } | null = null;

/** Evidence items (cached for one data version). */
export function evidenceItems(version: number): Promise<EvidenceListEntry[]> {
  if (!cache || cache.version !== version) {
    const items = call('evidence:list', {}).then((r) => r.items);
    cache = { version, items };
    items.catch(() => (cache = null));
  }
  return cache.items;
}

/** One line saying where bytes came from. */
export function describeOrigin(origin: EvidenceOrigin): string {
  switch (origin.type) {
    case 'file':
      return origin.member ? `${origin.path} ! ${origin.member}${decryptionNote(origin)}` : origin.path;
    case 'http': {
      const q = new URLSearchParams(origin.query).toString();
      return `${origin.method} ${origin.url}${q ? `?${q}` : ''} → ${origin.status}`;
    }
    case 'manual':
      return origin.description;
  }
}
