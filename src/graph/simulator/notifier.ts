/**
 * Delivers change and lifecycle notifications to subscribers the way Graph does (DOMAIN.md §5): a POST of
 * `{"value":[...]}` (several notifications of one subscription may share a POST), after some latency, possibly
 * duplicated, possibly out of order; a delivery that is not answered 2xx within the timeout is retried with
 * exponential backoff a few times, then dropped. A subscription that lapsed before delivery gets nothing.
 *
 * `flush()` resolves when nothing is waiting, in flight or due for a retry: tests and the demo wait on it instead
 * of sleeping.
 */
import type { Logger } from '../../logger';

export interface DeliveryBehaviour {
  /** Delay between a change and its delivery. */
  latencyMs: number;
  /** Probability that a notification is delivered twice (in separate POSTs). */
  duplicateRate: number;
  /** Deliver out of order: random extra delay per notification and shuffled POST bodies. */
  reorder: boolean;
}

export interface NotifierOptions extends DeliveryBehaviour {
  random: () => number;
  /** Graph wants 2xx within 3 s; slower counts as failed and is retried. */
  timeoutMs: number;
  /** Attempts per POST, the first included. */
  maxAttempts: number;
  /** First retry after this, doubling each time. */
  retryBaseMs: number;
  maxPerPost: number;
  logger: Logger;
  /** Per-tenant overrides (a scenario's noisy tenant). */
  behaviourFor: (tenantId: string) => Partial<DeliveryBehaviour>;
}

/** One queued notification. `payload` is built at delivery time and returns null when it must be dropped. */
export interface OutgoingNotification {
  tenantId: string;
  subscriptionId: string;
  url: string;
  payload: () => Record<string, unknown> | null;
}

export interface DeliveryAttempt {
  url: string;
  subscriptionId: string;
  notifications: number;
  attempt: number;
  /** HTTP status, or null when the request failed or timed out. */
  status: number | null;
  error: string | null;
  at: string;
}

interface Due extends OutgoingNotification {
  dueAt: number;
}

export class Notifier {
  private queue: Due[] = [];
  private pending = 0;
  private waiters: Array<() => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The one timer that sends what is due next, and when it fires. */
  private pumpTimer: { timer: NodeJS.Timeout; at: number } | null = null;
  private readonly inflight = new Set<AbortController>();
  private readonly attempts: DeliveryAttempt[] = [];
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {}

  enqueue(notification: OutgoingNotification): void {
    if (this.stopped) return;
    const behaviour = { ...this.options, ...this.options.behaviourFor(notification.tenantId) };
    const now = Date.now();
    const jitter = () => (behaviour.reorder ? this.options.random() * Math.max(behaviour.latencyMs, 25) : 0);
    this.push({ ...notification, dueAt: now + behaviour.latencyMs + jitter() });
    if (this.options.random() < behaviour.duplicateRate) {
      // The copy comes in a later POST, as Graph's redeliveries do.
      this.push({
        ...notification,
        dueAt: now + behaviour.latencyMs + jitter() + Math.max(behaviour.latencyMs, 25),
      });
    }
  }

  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  deliveries(): DeliveryAttempt[] {
    return [...this.attempts];
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inflight) controller.abort();
    this.pumpTimer = null;
    this.queue = [];
    this.pending = 0;
    this.release();
  }

  private push(due: Due): void {
    this.queue.push(due);
    this.pending++;
    this.schedulePump(due.dueAt);
  }

  /**
   * One pump timer, re-armed for the earliest waiting notification after every pump. A timer per notification is
   * not enough: a timer may fire a fraction of a millisecond before `Date.now()` reaches a (fractional) due time,
   * and the notification it was for would then wait for a later timer that might never come.
   */
  private schedulePump(at: number): void {
    if (this.stopped) return;
    if (this.pumpTimer && this.pumpTimer.at <= at) return;
    if (this.pumpTimer) {
      clearTimeout(this.pumpTimer.timer);
      this.timers.delete(this.pumpTimer.timer);
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.pumpTimer = null;
        this.pump();
      },
      Math.max(0, Math.ceil(at - Date.now())),
    );
    timer.unref();
    this.timers.add(timer);
    this.pumpTimer = { timer, at };
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    // The simulator's listening server keeps the process alive while it runs; pending deliveries must not keep it
    // alive after a caller forgot stop().
    timer.unref();
    this.timers.add(timer);
  }

  /** Sends everything due, one POST per subscription and URL (chunked). */
  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    const due = this.queue.filter((n) => n.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    this.queue = this.queue.filter((n) => n.dueAt > now);
    if (this.queue.length > 0)
      this.schedulePump(this.queue.reduce((earliest, n) => Math.min(earliest, n.dueAt), Infinity));
    if (due.length === 0) return;
    const groups = new Map<string, Due[]>();
    for (const n of due) {
      const key = `${n.subscriptionId} ${n.url}`;
      // Pushed in place: a copy per notification made a 20,000-user storm's one pump quadratic (seconds of the
      // process that also runs ra-watch in the benches).
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [n]);
      else group.push(n);
    }
    for (const items of groups.values()) {
      const first = items[0];
      if (!first) continue;
      const reorder = this.options.behaviourFor(first.tenantId).reorder ?? this.options.reorder;
      if (reorder) this.shuffle(items);
      for (let i = 0; i < items.length; i += this.options.maxPerPost) {
        const chunk = items.slice(i, i + this.options.maxPerPost);
        const value = chunk.map((n) => n.payload()).filter((p): p is Record<string, unknown> => p !== null);
        const dropped = chunk.length - value.length;
        if (dropped > 0) this.settle(dropped);
        if (value.length > 0) void this.deliver(first.url, first.subscriptionId, { value }, 1);
      }
    }
  }

  private async deliver(
    url: string,
    subscriptionId: string,
    body: { value: unknown[] },
    attempt: number,
  ): Promise<void> {
    if (this.stopped) return;
    const controller = new AbortController();
    this.inflight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs);
    timeout.unref();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = controller.signal.aborted
        ? `no answer within ${this.options.timeoutMs} ms`
        : e instanceof Error
          ? e.message
          : String(e);
    } finally {
      clearTimeout(timeout);
      this.inflight.delete(controller);
    }
    if (this.stopped) return;
    if (
      this.attempts.push({
        url,
        subscriptionId,
        notifications: body.value.length,
        attempt,
        status,
        error,
        at: new Date().toISOString(),
      }) > 20_000
    ) {
      this.attempts.splice(0, this.attempts.length - 20_000);
    }
    const ok = status !== null && status >= 200 && status < 300;
    this.options.logger.debug(
      { url, subscriptionId, attempt, status, error, notifications: body.value.length },
      'notification delivery',
    );
    if (ok) return this.settle(body.value.length);
    if (attempt >= this.options.maxAttempts) {
      this.options.logger.warn(
        { url, subscriptionId, attempts: attempt },
        'notification delivery failed; dropped after the last retry',
      );
      return this.settle(body.value.length);
    }
    this.after(
      this.options.retryBaseMs * 2 ** (attempt - 1),
      () => void this.deliver(url, subscriptionId, body, attempt + 1),
    );
  }

  private settle(count: number): void {
    this.pending = Math.max(0, this.pending - count);
    if (this.pending === 0) this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.options.random() * (i + 1));
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
  }
}
