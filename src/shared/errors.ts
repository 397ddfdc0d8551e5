/**
 * Error vocabulary shared by every layer. Core throws {@link MailtrailError}; the CLI maps the code
 * to an exit status, the IPC layer maps it to `{ code, message }` for the renderer.
 */

/** Stable error codes. Add a code only when a caller must react to it differently. */
export type ErrorCode =
  | 'WRONG_PASSPHRASE'
  | 'VERIFY_FAILED'
  | 'USAGE'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'FUTURE_SCHEMA'
  | 'NO_CASE_OPEN'
  | 'CANCELLED'
  | 'UNSUPPORTED'
  | 'NETWORK'
  | 'AUTH'
  | 'INTERNAL';

/** An expected failure with a one-line, user-facing message. */
export class MailtrailError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MailtrailError';
    this.code = code;
    this.details = details;
  }
}

/** The serialisable form of an error as it crosses IPC or is printed with `--json`. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Converts anything thrown into an {@link ErrorPayload}; unknown errors become `INTERNAL`. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof MailtrailError) {
    return err.details ? { code: err.code, message: err.message, details: { ...err.details } } : { code: err.code, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

/** True when `err` is a {@link MailtrailError} with the given code. */
export function isErrorCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof MailtrailError && err.code === code;
}
