/**
 * An HTTP(S) agent whose every socket is destroyed after a deadline, answer or not. `@slack/webhook` merges the
 * options given to its constructor into every posted payload, so its own `timeout` option would reach Slack as a
 * top-level `"timeout"` field; the agent is the one option it keeps out of the payload, so the time bound lives
 * here. Without keep-alive each request has its own socket, so the socket's deadline is the request's: connect,
 * send and answer together, which also stops a peer that trickles its answer byte by byte.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';

function destroyAfter(socket: Duplex, deadlineMs: number): void {
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error(`no answer within ${deadlineMs} ms`), { code: 'ETIMEDOUT' }));
  }, deadlineMs);
  socket.once('close', () => clearTimeout(timer));
}

/** No keep-alive (Node 20's global agent keeps sockets open): alerts are rare and a pooled socket outlives stop(). */
export function createDeadlineAgent(url: string, deadlineMs: number): HttpAgent {
  const agent = url.startsWith('https:')
    ? new HttpsAgent({ keepAlive: false })
    : new HttpAgent({ keepAlive: false });
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    // Node's agents return the socket (the callback form is for custom agents, which this is not).
    if (socket !== null && socket !== undefined) destroyAfter(socket, deadlineMs);
    return socket;
  };
  return agent;
}
