/**
 * The queue the ingest tests run against. Until the embedded queue lands this is the in-memory stand-in; the
 * tests only use the Queue port, so switching changes this file alone.
 */
import type { Queue } from '../../src/queue/queue';
import { createRecordingQueue } from '../support/recording-queue';

export interface QueueUnderTest {
  queue: Queue;
  close(): Promise<void>;
}

export function openQueueUnderTest(): Promise<QueueUnderTest> {
  const queue = createRecordingQueue();
  return Promise.resolve({ queue, close: () => queue.close() });
}
