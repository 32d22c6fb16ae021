/**
 * Bad replay input: names the field, the value it got and a value that would work, so the CLI and the API can show
 * one clear line and nothing is read or sent. `unknown-user` is kept apart so the API can answer 404 rather than 400.
 */
export type ReplayInputErrorCode = 'invalid-selection' | 'unknown-user';

export class ReplayInputError extends Error {
  constructor(
    readonly code: ReplayInputErrorCode,
    /** The selection field at fault (`from`, `to`, `userId`, `upn`, `ruleId`, ...). */
    readonly field: string,
    message: string,
    /** A value that would be accepted, shown to the caller. */
    readonly example: string,
  ) {
    super(`${message} (example: ${field}=${example})`);
    this.name = 'ReplayInputError';
  }
}
