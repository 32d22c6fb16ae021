/**
 * Starting and stopping the server. `closeGracefully` is what SIGTERM runs: stop accepting connections, let the
 * requests in flight finish (an ingest request is waiting for its group commit: cutting it off would make Graph
 * deliver again, harmless, but answering it is better), then flush ingest. Connections that are still busy after
 * `timeoutMs` are cut so a stuck client cannot hold the shutdown forever.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { periodic } from '../background/periodic';
import type { Ingest } from '../ingest/ingest';
import { silentLogger, type Logger } from '../logger';

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`the server is not listening on a TCP port (address: ${String(address)})`));
        return;
      }
      resolve(address);
    });
  });
}

export interface CloseOptions {
  ingest?: Pick<Ingest, 'close'>;
  /** How long in-flight requests may take before their connections are cut (default 10 s). */
  timeoutMs?: number;
  /** For the idle sweeper's failures (closing idle sockets does not throw; default: no log). */
  logger?: Logger;
}

export async function closeGracefully(server: Server, options: CloseOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (server.listening) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections with no request in flight would otherwise hold close() until they time out; a
    // connection whose request finishes during the wait becomes idle then, so keep sweeping until closed.
    const sweeper = periodic({
      name: 'idle connection sweep',
      logger: options.logger ?? silentLogger(),
      intervalMs: 50,
      run: () => Promise.resolve(server.closeIdleConnections()),
      runAtStart: true,
    });
    sweeper.start();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        server.closeAllConnections();
        resolve();
      }, timeoutMs);
      timer.unref();
    });
    await Promise.race([closed, deadline]);
    clearTimeout(timer);
    await sweeper.stop();
  }
  await options.ingest?.close();
}
