/**
 * The bound on the first PostgreSQL connection: a server that accepts the TCP connection and never answers (a
 * firewall or a hung server look like this) fails the open with a message naming it, instead of waiting for ever.
 * The peer is a real socket on loopback; the bound is short only to keep the test short.
 */
import { createServer, type Socket } from 'node:net';
import { openDatabase } from '../../src/store/database';

describe('opening an unanswering PostgreSQL', () => {
  it('fails with the server named and the bound it waited', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      await expect(
        openDatabase(`postgres://postgres@127.0.0.1:${address.port}/ra_watch`, { connectTimeoutMs: 1_000 }),
      ).rejects.toThrow(
        `PostgreSQL at 127.0.0.1:${address.port}/ra_watch (DATABASE_URL) did not answer within 1 s`,
      );
      // The silent server did get the connection: the bound cut a real attempt short.
      expect(sockets.size).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
