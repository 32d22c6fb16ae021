import { createGroupCommit } from '../../src/ingest/group-commit';
import type { OutgoingMessage, Queue, SendResult } from '../../src/queue/queue';
import { orderingKeyFor } from '../../src/queue/work-item';
import { createRecordingQueue } from '../support/recording-queue';

function message(id: string, tenantId = 't'): OutgoingMessage {
  return {
    messageId: id,
    orderingKey: orderingKeyFor(tenantId, id),
    coalesce: true,
    body: {
      kind: 'user-changed',
      tenantId,
      userId: id,
      changeType: 'updated',
      subscriptionId: 's',
      receivedAt: new Date(0).toISOString(),
      source: 'notification',
    },
  };
}

/** A queue whose sends wait until the test lets them through, to see what gathers meanwhile. */
function gatedQueue(): { queue: Queue; sends: OutgoingMessage[][]; release(): void } {
  const inner = createRecordingQueue();
  const sends: OutgoingMessage[][] = [];
  const gates: Array<() => void> = [];
  const queue: Queue = {
    ...inner,
    send(messages) {
      sends.push([...messages]);
      return new Promise<SendResult>((resolve, reject) => {
        gates.push(() => void inner.send(messages).then(resolve, reject));
      });
    },
  };
  return { queue, sends, release: () => gates.shift()?.() };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('group commit', () => {
  it('sends the messages of requests submitted in the same turn in one call', async () => {
    const queue = createRecordingQueue();
    const commit = createGroupCommit({ queue, maxBatchMessages: 1000 });
    await Promise.all([
      commit.submit([message('a')]),
      commit.submit([message('b'), message('c')]),
      commit.submit([message('d')]),
    ]);
    expect(queue.sends.map((batch) => batch.map((m) => m.messageId))).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('gathers what arrives during a send into the next send, and settles each request with its own batch', async () => {
    const gated = gatedQueue();
    const commit = createGroupCommit({ queue: gated.queue, maxBatchMessages: 1000 });
    const settled: string[] = [];
    const first = commit.submit([message('first')]).then(() => settled.push('first'));
    await until(() => gated.sends.length === 1);
    const later = [commit.submit([message('x')]), commit.submit([message('y')])].map((p, i) =>
      p.then(() => settled.push(`later-${i}`)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(gated.sends).toHaveLength(1); // nothing else is sent while the first send is in flight
    expect(settled).toEqual([]);

    gated.release();
    await first;
    await until(() => gated.sends.length === 2);
    expect(gated.sends[1]!.map((m) => m.messageId)).toEqual(['x', 'y']);
    expect(settled).toEqual(['first']); // the later requests are not durable yet
    gated.release();
    await Promise.all(later);
    expect(settled).toEqual(['first', 'later-0', 'later-1']);
  });

  it("sends another tenant's request at once while one tenant's send is in flight (a lane per tenant)", async () => {
    const gated = gatedQueue();
    const commit = createGroupCommit({ queue: gated.queue, maxBatchMessages: 1000 });
    const settled: string[] = [];
    const storm = commit.submit([message('a1', 'tenant-a')]).then(() => settled.push('a1'));
    await until(() => gated.sends.length === 1);
    const stormMore = commit.submit([message('a2', 'tenant-a')]).then(() => settled.push('a2'));
    const quiet = commit.submit([message('b1', 'tenant-b')]).then(() => settled.push('b1'));
    await until(() => gated.sends.length === 2);
    await new Promise((resolve) => setImmediate(resolve));
    // B's request went out beside A's send in flight; A's next one still waits for A's first.
    expect(gated.sends.map((batch) => batch.map((m) => m.messageId))).toEqual([['a1'], ['b1']]);

    gated.release(); // a1
    await storm;
    await until(() => gated.sends.length === 3);
    expect(gated.sends[2]!.map((m) => m.messageId)).toEqual(['a2']);
    gated.release(); // b1
    await quiet;
    gated.release(); // a2
    await stormMore;
    expect(settled).toEqual(['a1', 'b1', 'a2']);
    await commit.drain();
  });

  it('keeps a request naming several tenants whole, in a lane of its own', async () => {
    const gated = gatedQueue();
    const commit = createGroupCommit({ queue: gated.queue, maxBatchMessages: 1000 });
    const single = commit.submit([message('a1', 'tenant-a')]);
    const mixed = commit.submit([message('a2', 'tenant-a'), message('b1', 'tenant-b')]);
    await until(() => gated.sends.length === 2);
    expect(gated.sends.map((batch) => batch.map((m) => m.messageId))).toEqual([['a1'], ['a2', 'b1']]);
    gated.release();
    gated.release();
    await Promise.all([single, mixed]);
  });

  it('caps a batch at maxBatchMessages without splitting a request', async () => {
    const queue = createRecordingQueue();
    const commit = createGroupCommit({ queue, maxBatchMessages: 3 });
    await Promise.all([
      commit.submit([message('a'), message('b')]),
      commit.submit([message('c'), message('d')]),
      commit.submit([message('e')]),
    ]);
    expect(queue.sends.map((batch) => batch.map((m) => m.messageId))).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });

  it('rejects every request of a failed send and reports the failure', async () => {
    const failures: number[] = [];
    const queue: Queue = { ...createRecordingQueue(), send: () => Promise.reject(new Error('disk full')) };
    const commit = createGroupCommit({
      queue,
      maxBatchMessages: 100,
      onFailed: (_e, batch) => failures.push(batch.requests),
    });
    const results = await Promise.allSettled([commit.submit([message('a')]), commit.submit([message('b')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(failures).toEqual([2]);
  });

  it('drain waits for the send in flight', async () => {
    const gated = gatedQueue();
    const commit = createGroupCommit({ queue: gated.queue, maxBatchMessages: 100 });
    const submitted = commit.submit([message('a')]);
    let drained = false;
    const draining = commit.drain().then(() => (drained = true));
    await until(() => gated.sends.length === 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    gated.release();
    await Promise.all([submitted, draining]);
    expect(drained).toBe(true);
  });
});
