/** Everything the detail pane shows about one event. */
import type { EventDetail } from '../../shared/model/analysis';
import { defaultIpEnricher } from '../enrich';
import { parseUserAgent } from '../enrich/user-agent';
import { listComments, sightingsOfEvent, starOf, tagsOfEvent } from '../store/annotations-repo';
import { ipAddressRow } from '../store/derived-repo';
import { listFindings } from '../store/findings-repo';
import { getEvent, type QuerySession } from './queries';

/**
 * One event with its raw record and attrs, tags, star, comments, IP and user-agent details (from
 * the case's enrichment when stored, else the bundled databases), findings and sightings.
 */
export function eventDetail(session: QuerySession, id: number): EventDetail {
  const event = getEvent(session, id);
  const db = session.db;
  let ip: EventDetail['ip'] = null;
  if (event.clientIp) {
    const stored = ipAddressRow(db, event.clientIp);
    const live = defaultIpEnricher().describe(event.clientIp);
    ip = stored
      ? {
          ip: stored.ip,
          country: stored.country,
          countryName: stored.country ? (defaultIpEnricher().countryCentre(stored.country)?.name ?? null) : null,
          asn: stored.asn,
          asOrg: stored.as_org,
          flags: stored.flags ? stored.flags.split(',') : [],
          city: stored.city,
          region: stored.region,
          latitude: stored.latitude,
          longitude: stored.longitude,
        }
      : { ...live, flags: [...live.flags] };
  }
  const ua = event.userAgent ? parseUserAgent(event.userAgent) : null;
  return {
    event,
    tags: tagsOfEvent(db, id),
    star: starOf(db, id),
    comments: listComments(db, id),
    ip,
    userAgent: ua ? { browser: ua.browser, os: ua.os, device: ua.device, tool: ua.tool ? { ...ua.tool } : null } : null,
    findings: listFindings(db, { eventId: id }).map((f) => ({ id: f.id, analyzer: f.analyzer, severity: f.severity, title: f.title })),
    sightings: sightingsOfEvent(db, id),
  };
}
