/**
 * Typed errors with stable codes. The CLI maps each kind to an exit code in one place
 * (src/exit-codes.ts); a user error prints one line and no stack.
 */
export type UserErrorKind = 'config' | 'dataset' | 'auth' | 'aborted';

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly kind: UserErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** A flag, parameter or configuration value is not acceptable; nothing has been sent. */
export function configError(message: string): UserError {
  return new UserError('config', message);
}

/** A dataset file is missing or malformed; `where` is `FILE:LINE` or `FILE:LINE:COLUMN`. */
export function datasetError(where: string, message: string): UserError {
  return new UserError('dataset', `${where}: ${message}`);
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
