/** The one-row description of an open case, as shown by `case info` and the Overview screen. */
export interface CaseInfo {
  /** Random UUID fixed at creation; travels with packages and reports. */
  id: string;
  name: string;
  number: string | null;
  /** Examiner who created the case. */
  examiner: string;
  /** IANA time zone used for display (storage is always UTC µs). */
  timeZone: string;
  createdAtUs: number;
  /** Absolute path of the case file. */
  file: string;
  /** `PRAGMA user_version` of the file. */
  schemaVersion: number;
  /** Version of Mailtrail that created the case. */
  createdWith: string;
  journal: { entries: number; head: string };
  evidence: { items: number; bytes: number };
  events: number;
}

/** Input for creating a case file. */
export interface CreateCaseInput {
  file: string;
  name: string;
  examiner: string;
  number?: string | undefined;
  timeZone?: string | undefined;
  passphrase: string;
  /** Overwrite an existing file. */
  force?: boolean | undefined;
}
