/**
 * `/api/dead-letters`: the work ra-watch could not do, with the reason, and a way to try it again once the cause is
 * fixed (a permission granted, a bug deployed). Nothing is ever dropped silently, so this is where it is shown.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { DeadLetterNotFoundError, type Queue } from '../queue/queue';
import { sendJsonError } from '../http/error-body';
import { sendValidationError } from './api-error';
import { opaqueId } from './input-schemas';

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const idParam = opaqueId('a dead letter id');

export function createDeadLettersRouter(options: { queue: Queue }): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return sendValidationError(res, query.error);
    const deadLetters = await options.queue.listDeadLetters({ limit: query.data.limit });
    res.json({ deadLetters });
  });

  router.param('id', (req, res, next, id: string) => {
    const parsed = idParam.safeParse(id);
    if (!parsed.success) return sendValidationError(res, parsed.error);
    next();
  });

  router.post('/:id/retry', async (req, res) => {
    try {
      await options.queue.retryDeadLetter(req.params.id);
    } catch (error) {
      if (!(error instanceof DeadLetterNotFoundError)) throw error;
      return sendJsonError(
        res,
        404,
        'not-found',
        `No dead letter with id ${req.params.id}. List them with GET /api/dead-letters.`,
      );
    }
    res.status(202).json({ retried: req.params.id });
  });

  return router;
}
