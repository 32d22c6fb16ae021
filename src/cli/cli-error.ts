/**
 * CLI exit codes, kept stable for admins' scripts: 0 success, 1 the command ran and found a failure (a demo scenario
 * that did not behave, a server that could not start), 2 the command line itself is wrong.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A wrong command line: printed as `ra-watch: <message>` and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and its report already says what failed (a demo scenario that did not behave): exit code 1. */
export class ReportedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportedFailure';
  }
}
