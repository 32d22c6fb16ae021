/**
 * API answers for bad input: a 400 that names each wrong field, in the one error shape (`src/http/error-body.ts`).
 */
import type { Response } from 'express';
import type { z } from 'zod';
import { describeIssues } from '../describe-issues';
import { sendJsonError } from '../http/error-body';

/** A 400 naming each wrong field of a body or query that failed its schema. */
export function sendValidationError(res: Response, error: z.ZodError): void {
  sendJsonError(res, 400, 'invalid-request', describeIssues(error, { root: '(body)' }));
}
