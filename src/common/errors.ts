/**
 * Every error a user can cause is an AfterburnError: the CLI prints `afterburn: <message>` and,
 * when present, the hint on the same line, then exits with `exitCode`. Anything else is a bug and
 * is reported as such (with a stack trace only under --debug).
 */
export type ErrorCode =
  | 'usage'
  | 'unknown_source'
  | 'bad_value'
  | 'missing_path'
  | 'no_logs'
  | 'unreadable'
  | 'corrupt_input'
  | 'corrupt_store'
  | 'store_locked'
  | 'store_write'
  | 'unknown_finding'
  | 'no_run'
  | 'report_write'
  | 'bad_config';

export class AfterburnError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AfterburnError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }

  /** The single line shown to the user. */
  oneLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

export function isAfterburnError(value: unknown): value is AfterburnError {
  return value instanceof AfterburnError;
}
