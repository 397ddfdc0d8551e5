/**
 * Typed conventions for `TimelineEvent.attrs`: the structures normalizers derive from each source
 * and analyzers, the UI and the report read. A normalizer fills the sub-objects that apply to its
 * record (all optional); anything else decoded from the record (Name/Value arrays flattened,
 * JSON-in-strings parsed) goes under `fields`. Field names follow the reference
 * (`m365-sources.md`); the same structure is produced whichever source a fact came from (UAL
 * `New-InboxRule`, `UpdateInboxRules`, Graph `messageRules`, `Get-InboxRule` all fill `rule`).
 */

/** An inbox rule as created, changed, removed, or observed in a snapshot. */
export interface RuleAttrs {
  /** `create` (New-InboxRule, AddMailboxRule), `modify` (Set-InboxRule, ModifyMailboxRule, Enable/Disable), `remove`, `snapshot` (state read). */
  operation: 'create' | 'modify' | 'remove' | 'snapshot';
  name: string | null;
  /** Rule id when known (Graph id, `Identity`, `RuleId`). */
  id: string | null;
  enabled: boolean | null;
  /** Conditions; word lists are arrays of strings as given. */
  conditions: {
    subjectContainsWords?: string[];
    bodyContainsWords?: string[];
    subjectOrBodyContainsWords?: string[];
    fromAddressContainsWords?: string[];
    from?: string[];
    headerContainsWords?: string[];
    sentTo?: string[];
    /** Raw condition text when only a MAPI restriction string is available (UpdateInboxRules). */
    raw?: string;
  };
  /** Exceptions (`ExceptIf*`), same shape as conditions. */
  exceptions: RuleAttrs['conditions'];
  actions: {
    /** Folder path or name as given (`:\\RSS Feeds`, `RSS Subscriptions`), or a Graph folder id. */
    moveToFolder?: string;
    copyToFolder?: string;
    delete?: boolean;
    softDelete?: boolean;
    permanentDelete?: boolean;
    markAsRead?: boolean;
    stopProcessingRules?: boolean;
    forwardTo?: string[];
    forwardAsAttachmentTo?: string[];
    redirectTo?: string[];
  };
}

/** Mailbox-level forwarding set by `Set-Mailbox` and friends, or read from state. */
export interface ForwardingAttrs {
  /** Address with any `smtp:` prefix removed, lower-cased. */
  forwardingSmtpAddress: string | null;
  /** Internal recipient (`ForwardingAddress`). */
  forwardingAddress: string | null;
  deliverToMailboxAndForward: boolean | null;
}

/** MailItemsAccessed and other mailbox read access. */
export interface MailAccessAttrs {
  /** `Bind` or `Sync` (`MailAccessType`). */
  accessType: string | null;
  /** `IsThrottled=True`: 24 h blind spot for Bind auditing. */
  throttled: boolean;
  operationCount: number | null;
  folders: { path: string | null; itemCount: number }[];
  /** Internet message ids of the items accessed (Bind), when listed. */
  messageIds: string[];
}

/** A message sent (Send, SendAs, SendOnBehalf, Activities MessageSent). */
export interface SendAttrs {
  subject: string | null;
  internetMessageId: string | null;
  recipients: string[];
  sendAs: string | null;
  sendOnBehalfOf: string | null;
}

/** OAuth consent (UAL `Consent to application.`, directory audits, `oauth2PermissionGrants`). */
export interface ConsentAttrs {
  appId: string | null;
  appName: string | null;
  /** Delegated scopes or app roles, split on spaces/commas. */
  scopes: string[];
  isAdminConsent: boolean | null;
  /** `AllPrincipals` or `Principal` for grants. */
  consentType: string | null;
  /** Object id of the service principal that received a grant or app role (`ServicePrincipal.ObjectID`). */
  servicePrincipalId?: string | null;
  /** The resource whose permissions a grant or app role gives (Microsoft Graph, Exchange Online). */
  resourceName?: string | null;
}

/** Entra sign-in details (Graph signIn, portal CSV/JSON, Azure Monitor, UAL UserLoggedIn). */
export interface SigninAttrs {
  /** 0 = success (AADSTS error code otherwise). */
  errorCode: number | null;
  failureReason: string | null;
  /** `clientAppUsed` (`Browser`, `IMAP4`, `Authenticated SMTP`, …). */
  clientAppUsed: string | null;
  /** `ropc`, `deviceCode`, `oAuth2`, … (beta / portal). */
  authenticationProtocol: string | null;
  /** `singleFactorAuthentication` / `multiFactorAuthentication`. */
  authenticationRequirement: string | null;
  /** `interactiveUser`, `nonInteractiveUser`, `servicePrincipal`, `managedIdentity`. */
  signInEventType: string | null;
  isInteractive: boolean | null;
  conditionalAccessStatus: string | null;
  riskLevel: string | null;
  riskEventTypes: string[];
  /** Location as reported by the source (not our enrichment). */
  location: { city: string | null; state: string | null; countryOrRegion: string | null } | null;
  resourceId: string | null;
  resourceName: string | null;
  appName: string | null;
}

/** A search (SearchQueryInitiatedExchange, Activities SearchResult / SearchSuggestionsDisplay). */
export interface SearchAttrs {
  query: string | null;
}

/** The attrs of a stored event. */
export interface EventAttrs {
  rule?: RuleAttrs;
  forwarding?: ForwardingAttrs;
  mailAccess?: MailAccessAttrs;
  send?: SendAttrs;
  consent?: ConsentAttrs;
  signin?: SigninAttrs;
  search?: SearchAttrs;
  /**
   * Other decoded fields of the record (Name/Value arrays flattened, JSON-in-strings parsed).
   * Import fills it as: UAL `Parameters` and `OperationProperties` entries at the top
   * (`fields.ForwardingSmtpAddress`, `fields.BlindCopyTo`, `fields.MailAccessType`), UAL
   * `ExtendedProperties` / `DeviceProperties` as objects of those names, AAD `ModifiedProperties` as
   * `{ [name]: { old, new } }`, Activities `CustomProperties` at the top (`fields.InternetMessageId`),
   * sign-in and directory-audit extras by their Graph names, and `export` for the columns a CSV or
   * PowerShell export wrapped around the record. See docs/formats.md.
   */
  fields?: Record<string, unknown>;
  /**
   * Set when the record's own time field was missing or unreadable and the event's time was taken
   * from another field: the export's `CreationDate` column, a Graph audit record's
   * `createdDateTime`, an Azure Monitor envelope's delivery `time`, an activity's
   * `ActivityCreationTime`. `from` names that field, `reason` what the record's own field held.
   */
  timeFallback?: { from: string; reason: string };
  /**
   * Set when the time was locale text (`3/12/2025 7:22:01 AM`, an older Entra sign-in CSV) that
   * reads both day/month and month/day: `text` as written, `note` which order was taken and why
   * (the file's other dates, or the US portal's order when none tells).
   */
  timeReading?: { text: string; note: string };
  /** Set on examiner-added events. */
  manual?: { note: string };
}
