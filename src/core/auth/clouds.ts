/**
 * National clouds and their service hosts. The cloud fixes every host a collection may contact;
 * explicit overrides (the local emulator) replace single hosts. Nothing else is ever contacted.
 */
import { MailtrailError } from '../../shared/errors';
import type { Cloud, CloudHosts } from '../../shared/model/collection';

/**
 * Hosts per cloud: identity (Entra authority), Microsoft Graph, Office 365 Management Activity API,
 * Outlook REST. Sources: Microsoft national-cloud deployment pages and the Management API
 * reference (reference §2.1); the DoD and 21Vianet Outlook/Management hosts are the documented
 * service roots of those clouds.
 */
export const CLOUD_HOSTS: Readonly<Record<Cloud, CloudHosts>> = Object.freeze({
  global: {
    authority: 'https://login.microsoftonline.com',
    graph: 'https://graph.microsoft.com',
    manage: 'https://manage.office.com',
    outlook: 'https://outlook.office.com',
  },
  usgov: {
    authority: 'https://login.microsoftonline.us',
    graph: 'https://graph.microsoft.us',
    manage: 'https://manage.office365.us',
    outlook: 'https://outlook.office365.us',
  },
  usgovdod: {
    authority: 'https://login.microsoftonline.us',
    graph: 'https://dod-graph.microsoft.us',
    manage: 'https://manage.protection.apps.mil',
    outlook: 'https://outlook-dod.office365.us',
  },
  china: {
    authority: 'https://login.chinacloudapi.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    manage: 'https://manage.office.cn',
    outlook: 'https://partner.outlook.cn',
  },
});

/** A service of a cloud. */
export type Service = keyof CloudHosts;

/**
 * Reduces a host given by the user (`https://h[:p]`, `h[:p]`, with or without a trailing path) to
 * an origin `https://h[:p]`. Only https is accepted: MSAL refuses insecure authorities, and tokens
 * must never cross the network in clear.
 */
export function toOrigin(value: string, what: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MailtrailError('INVALID_INPUT', `${what}: not a URL: ${value}`);
  }
  if (url.protocol !== 'https:') throw new MailtrailError('INVALID_INPUT', `${what}: only https is allowed: ${value}`);
  if (url.username || url.password) throw new MailtrailError('INVALID_INPUT', `${what}: credentials in the URL are not allowed`);
  return url.origin;
}

/** Resolves the four service origins of a cloud with optional per-service overrides. */
export function resolveHosts(cloud: Cloud, overrides: Partial<Record<Service, string | undefined>> = {}): CloudHosts {
  const base = CLOUD_HOSTS[cloud];
  if (!base) throw new MailtrailError('INVALID_INPUT', `unknown cloud: ${String(cloud)} (use global, usgov, usgovdod or china)`);
  const pick = (s: Service): string => {
    const o = overrides[s];
    return o ? toOrigin(o, `--${s}-host`) : base[s];
  };
  return { authority: pick('authority'), graph: pick('graph'), manage: pick('manage'), outlook: pick('outlook') };
}

/**
 * The `.default` scope of a service's resource (one token request = one resource). The resource
 * is the cloud's own service URI even when the host is overridden (the emulator, a relay): the
 * token's audience names the service, not the address it is reached at.
 */
export function defaultScope(cloud: Cloud, service: Exclude<Service, 'authority'>): string {
  return `${CLOUD_HOSTS[cloud][service]}/.default`;
}
