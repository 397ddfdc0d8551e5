/**
 * Outlook REST v2.0 activity records (reference §1.4–§1.7). The stored form has the seven
 * properties the tools select plus `Id`; `@odata.id` / `@odata.etag` are added when served with
 * default metadata.
 */
import { isoMs } from '../../util/time';
import { hashString, mix32 } from '../../util/rng';

export type ActivityRecord = Record<string, unknown>;

/** Parameters of an activity. */
export interface ActivityParams {
  id: string;
  ms: number;
  type: string;
  app: 'Exchange' | 'Outlook' | 'Web' | 'Mobile' | 'Other' | 'MacOutlook';
  itemId: string;
  clientSessionId: string;
  props: [string, string][];
}

/** Builds an activity. */
export function activity(p: ActivityParams): ActivityRecord {
  const lag = 20 + (mix32(hashString(p.id)) % 700);
  return {
    Id: p.id,
    TimeStamp: isoMs(p.ms),
    ActivityCreationTime: isoMs(p.ms + lag),
    ActivityIdType: p.type,
    AppIdType: p.app,
    ActivityItemId: p.itemId,
    ClientSessionId: p.clientSessionId,
    CustomProperties: p.props.map(([Name, Value]) => ({ Name, Value })),
  };
}

/** Adds the OData annotations of default (minimal) metadata. */
export function withOdata(r: ActivityRecord, outlookOrigin: string, upn: string): ActivityRecord {
  const id = String(r.Id);
  return {
    '@odata.id': `${outlookOrigin}/api/v2.0/Users('${upn}')/Activities('${id}')`,
    '@odata.etag': `W/"${Buffer.from(String(mix32(hashString(id)))).toString('base64')}"`,
    ...r,
  };
}
