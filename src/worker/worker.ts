/**
 * The worker: leases queued work and turns it into verdicts (DESIGN.md "worker"). `start()` runs `concurrency`
 * polling loops until `stop()`, which lets in-flight batches finish (their messages are settled, not abandoned
 * half-done) and evaluates the tenants still waiting for their debounced allocation check. `runOnce()` processes
 * what is ready now and returns; tests and the demo drive the worker with it.
 */
import { backoffMs, sleep } from '../background/backoff';
import { describeError } from '../errors';
import { tenantOfMessage } from '../queue/message-tenant';
import { createTenantEvaluator } from './evaluate-tenant';
import { fairGraphReader } from './fair-graph-reader';
import { handleBatch } from './handle-batch';
import { createSubscriptionActivity } from './subscription-activity';
import { createTenantFairSemaphore } from './tenant-fair-semaphore';
import { createTenantLoopShare, unsharedLoops, type BatchClaim } from './tenant-loop-share';
import { resolveSettings, type WorkerContext, type WorkerDeps, type WorkerOptions } from './worker-context';

export interface Worker {
  start(): void;
  /** Stops polling and drains in-flight work. Idempotent: every call returns the same promise. */
  stop(): Promise<void>;
  /** Processes batches until nothing is ready, then the pending tenant evaluations; resolves to the messages handled. */
  runOnce(): Promise<number>;
}

/** What one poll handled: how many messages, and when each tenant's newest of them was enqueued (epoch ms). */
interface Batch {
  size: number;
  newest: ReadonlyMap<string, number>;
}

export function createWorker(deps: WorkerDeps, options: WorkerOptions = {}): Worker {
  const settings = resolveSettings(options, deps.queue.filtersByTenant === true);
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ component: 'worker' });
  // Every Graph read of the worker (batches and tenant evaluations) shares one fair set of slots.
  const graph = fairGraphReader(deps.graph, createTenantFairSemaphore(settings.graphConcurrency));
  const tenantEvaluator = createTenantEvaluator(
    { store: deps.store, graph, logger, routing: deps.routing, now, settings },
    settings.tenantDebounceMs,
  );
  const ctx: WorkerContext = {
    queue: deps.queue,
    store: deps.store,
    graph,
    logger,
    routing: deps.routing,
    now,
    onLifecycle: deps.onLifecycle,
    applicationInstanceOf: deps.applicationInstanceOf,
    settings,
    requestTenantEvaluation: (tenantId) => tenantEvaluator.request(tenantId),
    noteSubscriptionActivity: createSubscriptionActivity(deps.store, logger),
  };

  const wake = new AbortController();
  const share =
    ctx.queue.filtersByTenant === true ? createTenantLoopShare(settings.concurrency) : unsharedLoops();
  const lease = (claim: BatchClaim, maxMessages: number) =>
    share.lease(claim, (exceptTenants) =>
      ctx.queue.receive({ maxMessages, leaseMs: settings.leaseMs, waitMs: 0, exceptTenants }),
    );

  /**
   * Lease one batch and handle it; resolves to its size and, per tenant, when its newest message was enqueued (none
   * when nothing was ready). A short lease is topped up after `gatherMs` only when it is a burst going on: every
   * message in it was enqueued within `gatherMs` of the newest one of its tenant in this loop's previous batch
   * (`previous`). Twenty users per `$batch` call then, instead of the three or four that happened to be ready. The
   * queue never leases a second message for a user already leased, so the top-up cannot put one account in the
   * batch twice. A lone change after a quiet spell, and another tenant's change beside a burst, are never held back:
   * during tenant A's storm, tenant B's changes (one every 250 ms) waited the 100 ms when "a burst" meant only "the
   * previous lease found work".
   */
  const pollOnce = async (previous: ReadonlyMap<string, number>): Promise<Batch> => {
    const claim = share.begin();
    try {
      let messages = await lease(claim, settings.batchSize);
      const gather =
        messages.length > 0 &&
        messages.every((message) => {
          const newest = previous.get(tenantOfMessage(message.body, message.orderingKey));
          return newest !== undefined && message.enqueuedAt.getTime() - newest <= settings.gatherMs;
        });
      if (gather && messages.length < settings.batchSize && settings.gatherMs > 0) {
        await sleep(settings.gatherMs, wake.signal);
        // A failed top-up must not strand what is already leased: handle that and let the next poll retry.
        const more = await lease(claim, settings.batchSize - messages.length).catch((error: unknown) => {
          logger.warn({ err: error }, `worker could not top up its batch: ${describeError(error)}`);
          return [];
        });
        messages = [...messages, ...more];
      }
      if (messages.length > 0) await handleBatch(ctx, messages);
      const newest = new Map<string, number>();
      for (const message of messages) {
        const tenantId = tenantOfMessage(message.body, message.orderingKey);
        newest.set(tenantId, Math.max(newest.get(tenantId) ?? 0, message.enqueuedAt.getTime()));
      }
      return { size: messages.length, newest };
    } finally {
      claim.release();
    }
  };

  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let loops: Promise<void>[] = [];
  let stopping: Promise<void> | null = null;

  const loop = async (): Promise<void> => {
    let failures = 0;
    let previous: ReadonlyMap<string, number> = new Map();
    while (state === 'running') {
      try {
        const batch = await pollOnce(previous);
        previous = batch.newest;
        failures = 0;
        if (batch.size === 0) await sleep(settings.pollMs, wake.signal);
      } catch (error) {
        // The queue itself failed (database unreachable): report, back off, keep going.
        previous = new Map();
        failures += 1;
        // Doubling from the poll interval, no jitter, the exponent held at 10 (about four minutes at the default poll).
        const delayMs = backoffMs(Math.min(failures, 10), {
          baseMs: settings.pollMs,
          maxMs: settings.retryMaxMs,
          jitter: 'none',
        });
        logger.error({ err: error, delayMs }, `worker could not lease work: ${describeError(error)}`);
        await sleep(delayMs, wake.signal);
      }
    }
  };

  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      tenantEvaluator.setAutomatic(true);
      loops = Array.from({ length: settings.concurrency }, () => loop());
      logger.info({ concurrency: settings.concurrency, batchSize: settings.batchSize }, 'worker started');
    },

    stop() {
      stopping ??= (async () => {
        const wasRunning = state === 'running';
        state = 'stopped';
        wake.abort();
        await Promise.all(loops);
        tenantEvaluator.setAutomatic(false);
        await tenantEvaluator.flush();
        if (wasRunning) logger.info({}, 'worker stopped');
      })();
      return stopping;
    },

    async runOnce() {
      let total = 0;
      for (;;) {
        // Tests and the demo step the worker by hand: no gathering, what is ready is what is handled.
        const { size } = await pollOnce(new Map());
        total += size;
        if (size === 0) break;
      }
      await tenantEvaluator.flush();
      return total;
    },
  };
}
