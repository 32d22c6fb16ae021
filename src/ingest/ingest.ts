/**
 * The webhook ingest: Graph's two endpoints, POST /notifications and POST /lifecycle (DOMAIN.md §5), served by a
 * lean node:http handler in front of the Express app (DESIGN.md "Measured here": Express's routing and body parsing
 * alone cap throughput near 0.14× a bare server). `handle` takes the request when it is for one of the two paths and
 * returns false otherwise, so the one server falls through to Express for everything else.
 *
 * What a POST gets:
 * - `?validationToken=` → 200 text/plain, the decoded token (the handshake).
 * - a body over `maxBodyBytes` → 413, without reading the rest; not JSON or the wrong shape → 400 naming the path.
 * - otherwise every notification whose clientState matches (constant time) becomes a queue message; mismatches are
 *   counted and dropped. The answer is 202 only once the queue has the messages durably (group commit); a failed
 *   send → 503 with Retry-After, so Graph delivers again. Ingest never calls Graph and never evaluates rules: Graph
 *   wants the answer within 3 s and drops notifications for good from endpoints that are often slow.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { sendJsonError } from '../http/error-body';
import type { Logger } from '../logger';
import type { OutgoingMessage, Queue } from '../queue/queue';
import { createClientStateCheck } from './client-state-check';
import { createGroupCommit } from './group-commit';
import { createIngestCounters, type IngestStats } from './ingest-stats';
import { parseNotificationBody } from './notification-body';
import { changeToMessage, lifecycleToMessage } from './notification-to-message';
import { readBody } from './read-body';
import { answerValidation, validationTokenOf } from './validation-handshake';

export type { IngestStats } from './ingest-stats';

/**
 * 4 MiB. One basic users notification is about 600 bytes, so 1,000 in one POST (more than Graph is known to batch)
 * is about 0.6 MB; the rest is headroom for group notifications listing members. The cap bounds what one request can
 * make the process hold in memory while it stays far above anything Graph sends.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/**
 * Soft cap on messages per group commit: keeps one SQLite transaction short under a burst. Another tenant's send
 * waits for the commit under way (group-commit.ts lanes): at 5,000 one took 100–200 ms during a 20,000-user storm's
 * flood, at 250 it takes 5–15 ms, and an fsync here costs about a millisecond, so the storm's own 202s do not slow.
 */
export const DEFAULT_MAX_BATCH_MESSAGES = 250;
/** Graph retries on its own schedule; the header is a hint for other clients. */
const RETRY_AFTER_SECONDS = 5;

export interface IngestOptions {
  queue: Queue;
  /** Accepted clientState secrets (CLIENT_STATE, comma-separated while rotating). Empty: accept all, warn once. */
  clientStates: string[];
  maxBodyBytes?: number;
  maxBatchMessages?: number;
  logger: Logger;
  now?: () => Date;
  /** Where the ingest counters are exported for Prometheus; omitted: `stats()` only. */
  registry?: Registry;
  /**
   * Told when a notification POST has been answered, with how long the answer took from the request's arrival
   * (the ack latency Graph holds us to: 3 s). Handshakes and other methods are not reported.
   */
  onAnswered?: (answer: IngestAnswer) => void;
}

export interface IngestAnswer {
  endpoint: 'notifications' | 'lifecycle';
  status: number;
  durationMs: number;
}

export interface Ingest {
  /** Serves the request and returns true when it is for /notifications or /lifecycle; false leaves it untouched. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  stats(): IngestStats;
  /** Refuses new notifications (503) and resolves once every pending group commit has settled. */
  close(): Promise<void>;
}

const PATHS = new Set(['/notifications', '/notifications/', '/lifecycle', '/lifecycle/']);

/** Calls `onAnswered` once the answer has been handed to the socket; an aborted request is never answered. */
function reportAnswer(res: ServerResponse, path: string, onAnswered: (answer: IngestAnswer) => void): void {
  const started = performance.now();
  const endpoint = path.startsWith('/lifecycle') ? 'lifecycle' : 'notifications';
  res.once('finish', () => {
    onAnswered({ endpoint, status: res.statusCode, durationMs: performance.now() - started });
  });
}

export function createIngest(options: IngestOptions): Ingest {
  const logger = options.logger.child({ component: 'ingest' });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? (() => new Date());
  const counters = createIngestCounters(options.registry);
  const clientState = createClientStateCheck(options.clientStates);
  let closing = false;
  let warnedMismatch = false;

  if (!clientState.enforced) {
    logger.warn(
      {},
      'CLIENT_STATE is not set: notifications are accepted without proof that they come from our Graph subscription. Set CLIENT_STATE outside the demo.',
    );
  }

  const commit = createGroupCommit({
    queue: options.queue,
    maxBatchMessages: options.maxBatchMessages ?? DEFAULT_MAX_BATCH_MESSAGES,
    onCommitted(result) {
      counters.add('commits');
      counters.add('accepted', result.accepted);
      counters.add('coalesced', result.coalesced);
      counters.add('duplicates', result.duplicates);
    },
    onFailed(error, batch) {
      counters.add('failedCommits');
      logger.error(
        { err: error, ...batch },
        'queue send failed: answering 503 so Graph delivers these notifications again',
      );
    },
  });

  function unavailable(res: ServerResponse, message: string): void {
    counters.add('unavailable');
    sendJsonError(res, 503, 'unavailable', message, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }

  function rejectBody(res: ServerResponse, code: string, message: string): void {
    counters.add('rejectedBodies');
    logger.warn({ code, problem: message }, 'notification body refused');
    sendJsonError(res, 400, code, message);
  }

  function accepted(res: ServerResponse): void {
    res.writeHead(202, { 'Content-Length': 0 });
    res.end();
  }

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.add('requests');
    if (closing) {
      req.resume();
      unavailable(res, 'ra-watch is shutting down; deliver again shortly.');
      return;
    }
    const read = await readBody(req, maxBodyBytes);
    if (!read.ok) {
      if (read.reason === 'aborted') return;
      counters.add('oversizeBodies');
      // Close the connection rather than read the rest of a body we will not use.
      sendJsonError(res, 413, 'payload-too-large', `The body is larger than ${read.limit} bytes.`, {
        Connection: 'close',
      });
      return;
    }
    const parsed = parseNotificationBody(read.body);
    if (!parsed.ok) return rejectBody(res, parsed.code, parsed.message);
    counters.add('received', parsed.items.length);

    const receivedAt = now().toISOString();
    const messages: OutgoingMessage[] = [];
    let mismatches = 0;
    // One POST carries one subscription's notifications, so one clientState: it is compared (in constant time) once
    // per distinct value in the body. Remembering the sender's own value within its request tells it nothing.
    let checked: { value: string | null | undefined; matches: boolean } | null = null;
    for (let index = 0; index < parsed.items.length; index++) {
      const item = parsed.items[index]!;
      const value = item.notification.clientState;
      if (checked === null || checked.value !== value)
        checked = { value, matches: clientState.matches(value) };
      if (!checked.matches) {
        mismatches++;
        continue;
      }
      const mapped =
        item.kind === 'change'
          ? changeToMessage(item.notification, index, receivedAt)
          : lifecycleToMessage(item.notification, index, receivedAt);
      if (!mapped.ok) return rejectBody(res, 'invalid-body', mapped.message);
      if (item.kind === 'lifecycle') counters.add('lifecycle');
      messages.push(mapped.message);
    }
    if (mismatches > 0) {
      counters.add('clientStateMismatches', mismatches);
      // Dropped, and still 202: an answer that differs would tell a prober it guessed the shape right.
      if (!warnedMismatch) {
        warnedMismatch = true;
        logger.warn(
          { mismatches },
          'notifications with a wrong clientState dropped (counted in stats from now on)',
        );
      }
    }
    if (messages.length === 0) return accepted(res);
    try {
      await commit.submit(messages);
    } catch {
      return unavailable(res, 'The queue could not store the notifications; deliver them again.');
    }
    accepted(res);
  }

  return {
    handle(req, res) {
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      if (!PATHS.has(path)) return false;

      const method = req.method ?? 'GET';
      const token = queryAt === -1 ? null : validationTokenOf(url.slice(queryAt + 1));
      if (token !== null && (method === 'POST' || method === 'GET')) {
        counters.add('validations');
        req.resume();
        answerValidation(res, token);
        return true;
      }
      if (method !== 'POST') {
        req.resume();
        sendJsonError(res, 405, 'method-not-allowed', `${path} accepts POST from Microsoft Graph.`, {
          Allow: 'POST',
        });
        return true;
      }
      if (options.onAnswered !== undefined) reportAnswer(res, path, options.onAnswered);
      receive(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'unexpected failure while receiving notifications');
        if (!res.headersSent)
          unavailable(res, 'ra-watch failed to take the notifications; deliver them again.');
        else res.destroy();
      });
      return true;
    },
    stats: () => counters.snapshot(),
    async close() {
      closing = true;
      await commit.drain();
    },
  };
}
