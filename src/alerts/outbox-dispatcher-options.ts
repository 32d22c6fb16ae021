/** The outbox dispatcher's knobs and what one round reports (outbox-dispatcher.ts). */

export interface OutboxDispatcherOptions {
  /** Idle wait between polls. */
  pollMs: number;
  /** Entries claimed per poll. */
  batchSize: number;
  /** How long a claimed entry is ours before another dispatcher may take it (longer than a send can take). */
  leaseMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Give up (dead-letter) this long after the entry was created. */
  deadAfterMs: number;
  /** The first due entry waits this long so that the rest of a burst joins it (0: send at once). */
  groupWindowMs: number;
  /** More than this many entries for one sink and tenant at once are sent as one summary. */
  groupThreshold: number;
  /** How many alerts a summary lists before "and N more". */
  groupListSize: number;
  /** Sinks that never group (the log keeps one line per alert). */
  ungroupedSinks: string[];
}

export const DEFAULT_DISPATCHER_OPTIONS: OutboxDispatcherOptions = {
  pollMs: 1000,
  batchSize: 200,
  leaseMs: 60_000,
  baseDelayMs: 5000,
  maxDelayMs: 15 * 60_000,
  deadAfterMs: 24 * 60 * 60_000,
  groupWindowMs: 2000,
  groupThreshold: 5,
  groupListSize: 10,
  ungroupedSinks: ['log'],
};

export interface DispatchSummary {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
  /** Summary messages sent for bursts. */
  summaries: number;
}

/** The counts a round accumulates while it settles entries. */
export type Settle = Omit<DispatchSummary, 'claimed'>;
