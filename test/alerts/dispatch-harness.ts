/**
 * A real store (SQLite file or a fresh PostgreSQL database), real sinks over real sockets, a log captured as JSON
 * lines, and a clock the test moves by hand (an injected `now`: the I/O stays real, only "when" is chosen, so a
 * Retry-After of seconds or a dead-letter window of hours needs no waiting).
 */
import { Writable } from 'node:stream';
import { createRouting } from '../../src/alerts/alert-routing';
import type { AlertSink } from '../../src/alerts/alert-sink';
import { createLogSink } from '../../src/alerts/log-sink';
import {
  createOutboxDispatcher,
  type OutboxDispatcher,
  type OutboxDispatcherOptions,
} from '../../src/alerts/outbox-dispatcher';
import type { Finding, RuleId } from '../../src/glossary';
import { createLogger, type Logger } from '../../src/logger';
import { createStore } from '../../src/store/sql-store';
import type { Engine, ObservationResult, Store } from '../../src/store/store';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { TENANT_ID } from './alert-fixtures';

export interface CapturedLog {
  logger: Logger;
  lines: string[];
  text(): string;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l.length > 0),
      );
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines, text: () => lines.join('\n') };
}

export class Clock {
  constructor(public ms: number = Date.parse('2025-03-04T12:00:00.000Z')) {}
  now = (): Date => new Date(this.ms);
  iso(): string {
    return new Date(this.ms).toISOString();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  db: TestDatabase;
  store: Store;
  clock: Clock;
  log: CapturedLog;
  sinks: Map<string, AlertSink>;
  dispatcher: OutboxDispatcher;
  /** One evaluation of one account: these findings, resolving what the scope no longer finds. */
  observe(userId: string | null, findings: Finding[], ruleIds?: RuleId[]): Promise<ObservationResult>;
  close(): Promise<void>;
}

export const FAST: Partial<OutboxDispatcherOptions> = {
  pollMs: 20,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  deadAfterMs: 10 * 60_000,
  groupWindowMs: 0,
  groupThreshold: 5,
  groupListSize: 3,
};

export async function startHarness(
  engine: Engine,
  sinks: AlertSink[],
  options: Partial<OutboxDispatcherOptions> = {},
  db?: TestDatabase,
): Promise<Harness> {
  const database = db ?? (await createTestDatabase(engine));
  const store = createStore(database.database);
  const clock = new Clock();
  const log = captureLog();
  const all = new Map<string, AlertSink>([...sinks, createLogSink(log.logger)].map((s) => [s.name, s]));
  const routing = createRouting({ sinks: [...all.keys()] });
  const dispatcher = createOutboxDispatcher({
    store,
    sinks: all,
    logger: log.logger,
    now: clock.now,
    random: () => 0.5,
    publicBaseUrl: 'https://ra-watch.contoso.com',
    options: { ...FAST, ...options },
  });
  return {
    db: database,
    store,
    clock,
    log,
    sinks: all,
    dispatcher,
    observe: (userId, findings, ruleIds = ['ra.unlicensed']) =>
      store.recordObservation(
        { scope: { tenantId: TENANT_ID, userId, ruleIds }, findings, at: clock.iso() },
        routing,
      ),
    async close() {
      await dispatcher.stop();
      for (const sink of all.values()) sink.close?.();
      await database.drop();
    },
  };
}
