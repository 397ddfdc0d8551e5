/** Graph `directoryAudit` objects (camelCase, `activityDisplayName` without the UAL's trailing period). */
import { graphTime } from '../../util/time';
import { hashString, mix32 } from '../../util/rng';
import type { User } from '../tenant';

export type DirectoryAuditRecord = Record<string, unknown>;

/** Parameters of a directory audit. */
export interface DirectoryAuditParams {
  id: string;
  ms: number;
  activity: string;
  category: string;
  operationType: 'Add' | 'Update' | 'Delete' | 'Assign';
  correlationId: string;
  actor: User;
  actorIp: string;
  userAgent: string;
  targets: {
    id: string;
    displayName: string | null;
    type: 'User' | 'Group' | 'ServicePrincipal' | 'Application' | 'Other';
    userPrincipalName?: string | null;
    modified: [string, string | null, string | null][];
  }[];
  extra?: [string, string][];
}

/** Builds a directory audit. */
export function directoryAudit(p: DirectoryAuditParams): DirectoryAuditRecord {
  return {
    id: p.id,
    category: p.category,
    correlationId: p.correlationId,
    result: 'success',
    resultReason: '',
    activityDisplayName: p.activity,
    activityDateTime: graphTime(p.ms, mix32(hashString(p.id))),
    loggedByService: p.category === 'ApplicationManagement' ? 'Core Directory' : 'Core Directory',
    operationType: p.operationType,
    initiatedBy: {
      app: null,
      user: {
        id: p.actor.objectId,
        displayName: null,
        userPrincipalName: p.actor.upn,
        ipAddress: p.actorIp,
        userType: 'Member',
        homeTenantId: null,
        homeTenantName: null,
      },
    },
    targetResources: p.targets.map((x) => ({
      id: x.id,
      displayName: x.displayName,
      type: x.type,
      userPrincipalName: x.userPrincipalName ?? null,
      groupType: null,
      modifiedProperties: x.modified.map(([displayName, oldValue, newValue]) => ({ displayName, oldValue, newValue })),
    })),
    additionalDetails: [{ key: 'User-Agent', value: p.userAgent }, ...(p.extra ?? []).map(([key, value]) => ({ key, value }))],
  };
}
