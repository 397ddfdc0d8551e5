/** Progress of a long operation, pushed as an event (`import:progress`, `collect:progress`, …). */
export interface Progress {
  /** Identifies the operation the event belongs to. */
  jobId: string;
  /** Short machine-readable phase, e.g. `hashing`, `parsing`, `indexing`. */
  phase: string;
  done: number;
  /** `null` when the total is not known yet. */
  total: number | null;
  /** Unit of `done`/`total`: `bytes`, `records`, `requests`, `items`. */
  unit: string;
  /** Optional human detail: current file, window, user. */
  detail?: string;
}
