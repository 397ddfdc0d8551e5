/**
 * Names an acquisition keeps beside its events: the tenant's service principals (app id and object
 * id → display name) and mailbox folder lists (folder id → name). They come from the stored
 * reference data: imported files journaled `import.reference` and collected Graph responses of
 * `/servicePrincipals` and `/mailFolders`. Consent records and grants often carry only an id, and
 * Graph inbox rules name their target folder by id; with these names a finding says
 * "Mail Backup Utility" and "RSS Feeds" instead of two opaque strings.
 */
import type { EvidenceOrigin } from '../../shared/model/evidence';
import { evidenceText } from '../ingest/record-parsers';
import type { Db } from '../store/database';

/** Lookups over the reference data of a case (ids compared case-insensitively). */
export interface ReferenceNames {
  /** Display name of an app, by app id or service principal object id. */
  appName(id: string | null): string | null;
  /** The app id of a service principal, by its object id. */
  appIdOf(servicePrincipalId: string | null): string | null;
  /** Display name of a mail folder, by id (exact: folder ids are case-sensitive). */
  folderName(id: string | null): string | null;
}

/** Reference items larger than this are not read (a real tenant's lists are a few MB). */
const MAX_CHARS = 64 * 1024 * 1024;

const COLLECTED = /\/(servicePrincipals|mailFolders(\/[^/]+)?(\/childFolders)?)$/i;

/** Evidence items holding reference data. */
function referenceItems(db: Db): number[] {
  const ids = new Set<number>();
  const journaled = db
    .prepare(`SELECT json_extract(details, '$.evidence_id') FROM custody WHERE action = 'import.reference'`)
    .pluck(true)
    .all() as (number | null)[];
  for (const id of journaled) if (typeof id === 'number') ids.add(id);
  const collected = db
    .prepare(`SELECT id, origin FROM evidence_items WHERE origin LIKE '%servicePrincipals%' OR origin LIKE '%mailFolders%'`)
    .all() as { id: number; origin: string }[];
  for (const row of collected) {
    const origin = JSON.parse(row.origin) as EvidenceOrigin;
    if (origin.type === 'http' && origin.status >= 200 && origin.status < 300 && COLLECTED.test(origin.url)) ids.add(row.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The `value` list of a stored Graph page (or a bare array), or null when it is not one. */
function listOf(db: Db, evidenceId: number): Record<string, unknown>[] | null {
  const reader = evidenceText(db, evidenceId);
  let text = '';
  for (let c = reader.next(); c !== null; c = reader.next()) {
    text += c.text;
    if (text.length > MAX_CHARS) return null;
  }
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return null; // a truncated or damaged page names nothing; the item itself stays verifiable
  }
  const list = Array.isArray(v)
    ? v
    : v && typeof v === 'object' && Array.isArray((v as { value?: unknown }).value)
      ? (v as { value: unknown[] }).value
      : null;
  return list ? list.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Reads every reference item of the case (once per analysis run). */
export function loadReferenceNames(db: Db): ReferenceNames {
  const apps = new Map<string, string>();
  const appIds = new Map<string, string>();
  const folders = new Map<string, string>();
  for (const id of referenceItems(db)) {
    for (const o of listOf(db, id) ?? []) {
      const name = str(o['displayName']);
      const objectId = str(o['id']);
      const appId = str(o['appId']);
      if (!name) continue;
      if (appId) {
        apps.set(appId.toLowerCase(), name);
        if (objectId) {
          apps.set(objectId.toLowerCase(), name);
          appIds.set(objectId.toLowerCase(), appId);
        }
      } else if (objectId && ('parentFolderId' in o || 'childFolderCount' in o || 'totalItemCount' in o)) {
        folders.set(objectId, name); // folder ids are base64: case matters
      }
    }
  }
  const get = (m: Map<string, string>) => (id: string | null) => (id ? (m.get(id.toLowerCase()) ?? null) : null);
  return { appName: get(apps), appIdOf: get(appIds), folderName: (id) => (id ? (folders.get(id) ?? null) : null) };
}
