/** Where in a user's file a problem is, so that the message can point at it. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * A problem the user can fix (bad flag, bad file, bad configuration). Its message is shown as is, with no
 * stack trace; `hint` says what to do about it. Anything that is not a UserError is a bug of ours.
 */
export class UserError extends Error {
  readonly location: ErrorLocation;
  readonly hint?: string;

  constructor(message: string, options: ErrorLocation & { hint?: string } = {}) {
    super(message);
    this.name = 'UserError';
    const { hint, ...location } = options;
    this.location = location;
    this.hint = hint;
  }

  /** `file:line:column`, the parts that are known; undefined when no file is. */
  where(): string | undefined {
    const { file, line, column } = this.location;
    if (file === undefined) return undefined;
    if (line === undefined) return file;
    return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
  }

  /** One line: `file:line:column: message. hint` (the parts that are known). */
  format(): string {
    const where = this.where();
    const text = this.hint ? `${this.message}: ${this.hint}` : this.message;
    return where ? `${where}: ${text}` : text;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** An unexpected error (a bug) for the log, with its stack. */
export function describeBug(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
