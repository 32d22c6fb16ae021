/**
 * A refusal of a simulated Graph operation, carrying the status and error code Graph answers with, so the same
 * failure reads the same whether it comes over HTTP, through `$batch`, or from a direct simulator call.
 */
export class GraphOperationError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphOperationError';
  }
}
