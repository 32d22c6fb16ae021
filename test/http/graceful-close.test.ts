import { Registry } from 'prom-client';
import { createExpressApp } from '../../src/http/express-app';
import { createHttpServer } from '../../src/http/http-server';
import { closeGracefully, listen } from '../../src/http/server-lifecycle';
import { createIngest } from '../../src/ingest/ingest';
import { silentLogger } from '../../src/logger';
import type { Queue, SendResult } from '../../src/queue/queue';
import { createRecordingQueue } from '../support/recording-queue';
import { sampleText, SAMPLE_CLIENT_STATE } from '../ingest/graph-samples';

describe('closing the server gracefully', () => {
  it('answers the notification request in flight, then stops accepting connections', async () => {
    const recording = createRecordingQueue();
    let release: (() => void) | undefined;
    const queue: Queue = {
      ...recording,
      send: (messages) =>
        new Promise<SendResult>((resolve, reject) => {
          release = () => void recording.send(messages).then(resolve, reject);
        }),
    };
    const logger = silentLogger();
    const ingest = createIngest({ queue, clientStates: [SAMPLE_CLIENT_STATE], logger });
    const app = createExpressApp({
      logger,
      readiness: () => Promise.resolve({}),
      metricsRegistry: new Registry(),
    });
    const server = createHttpServer({ ingest, app });
    const { port } = await listen(server, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/notifications`;

    const inFlight = fetch(url, { method: 'POST', body: sampleText('notification-users-updated.json') });
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));

    let closed = false;
    const closing = closeGracefully(server, { ingest, timeoutMs: 10_000 }).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false); // still waiting for the request whose commit is pending

    release();
    expect((await inFlight).status).toBe(202);
    await closing;
    expect(recording.stored()).toHaveLength(1);
    await expect(fetch(url, { method: 'POST', body: '{"value":[]}' })).rejects.toThrow();
  });

  it('refuses notifications with 503 once ingest is closing', async () => {
    const logger = silentLogger();
    const ingest = createIngest({ queue: createRecordingQueue(), clientStates: [], logger });
    const app = createExpressApp({
      logger,
      readiness: () => Promise.resolve({}),
      metricsRegistry: new Registry(),
    });
    const server = createHttpServer({ ingest, app });
    const { port } = await listen(server, 0, '127.0.0.1');
    await ingest.close();
    const res = await fetch(`http://127.0.0.1:${port}/notifications`, {
      method: 'POST',
      body: sampleText('notification-users-updated.json'),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).not.toBeNull();
    await closeGracefully(server);
  });
});
