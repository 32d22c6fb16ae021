/**
 * Whether Graph can reach ra-watch: Graph's own validation handshake, sent to `$PUBLIC_BASE_URL/notifications` from
 * outside (through DNS, the proxy, the tunnel, TLS), must come back as Graph expects it: 200, text/plain, the token
 * echoed (src/ingest/validation-handshake.ts; Graph gives up after 10 s). Something has to answer on PORT for that:
 * `serve` when it runs (the port is taken), else the doctor answers the handshake itself on PORT for the length of
 * the check, so the path can be proven before going live.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Config } from '../config';
import { describeError } from '../errors';
import { answerValidation, validationTokenOf } from '../ingest/validation-handshake';
import type { CheckResult } from './doctor-check';

/** Graph's limit for the handshake answer. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export async function checkPublicUrl(config: Config): Promise<CheckResult> {
  const title = 'PUBLIC_BASE_URL reachable by Graph';
  if (config.publicBaseUrl === null) {
    return {
      check: 'public-url',
      title,
      status: 'fail',
      detail:
        'PUBLIC_BASE_URL is not set: Graph cannot deliver change notifications, only the periodic reconcile would see changes',
      fix: "Set PUBLIC_BASE_URL to the https address that reaches this host's PORT (a reverse proxy, an ingress, or a dev tunnel for trying it).",
    };
  }
  const target = `${config.publicBaseUrl}/notifications`;
  const listener = await listenForHandshake(config.host, config.port);
  try {
    // Graph's tokens read like this (spaces and colons: the URL encoding is tested too).
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    let response: Response;
    try {
      response = await fetch(`${target}?validationToken=${encodeURIComponent(token)}`, {
        method: 'POST',
        signal: AbortSignal.timeout(HANDSHAKE_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return fail(
        title,
        `POST ${target}?validationToken=… got no answer within ${HANDSHAKE_TIMEOUT_MS / 1000} s (${describeError(error)}${cause})`,
        listener,
      );
    }
    const body = await response.text();
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.toLowerCase().startsWith('text/plain') || body !== token) {
      return fail(
        title,
        `POST ${target}?validationToken=… answered ${response.status} (${type || 'no content-type'}) ${body === token ? 'with the token' : 'without echoing the token'}; Graph expects 200, text/plain, the token`,
        listener,
      );
    }
    const who =
      listener.server === null
        ? 'the process on PORT (ra-watch serve)'
        : `this doctor, listening on PORT ${config.port}`;
    const result: CheckResult = {
      check: 'public-url',
      title,
      status: 'ok',
      detail: `the validation handshake through ${target} came back as Graph expects (answered by ${who})`,
    };
    if (!config.publicBaseUrl.startsWith('https://')) {
      return {
        ...result,
        status: 'warn',
        detail: `${result.detail}, but it is http: Graph accepts only https notification URLs`,
        fix: 'Serve PUBLIC_BASE_URL over https (TLS at the proxy or ingress).',
      };
    }
    return result;
  } finally {
    await listener.close();
  }
}

interface HandshakeListener {
  /** null: the port was taken (serve is running, or something else is). */
  server: Server | null;
  /** Why the doctor could not listen, when it could not. */
  note: string | null;
  close(): Promise<void>;
}

async function listenForHandshake(host: string, port: number): Promise<HandshakeListener> {
  const server = createServer((req, res) => {
    const token = validationTokenOf(new URL(req.url ?? '/', 'http://doctor').search.slice(1));
    if (token !== null && (req.url ?? '').startsWith('/notifications')) return answerValidation(res, token);
    res.writeHead(404).end();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    return {
      server: null,
      note: `PORT ${port} is taken (${describeError(error)}): whatever listens there answered`,
      close: () => Promise.resolve(),
    };
  }
  return {
    server,
    note: null,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function fail(title: string, detail: string, listener: HandshakeListener): CheckResult {
  return {
    check: 'public-url',
    title,
    status: 'fail',
    detail: listener.note === null ? detail : `${detail}; ${listener.note}`,
    fix: "Make PUBLIC_BASE_URL reach this host's PORT from the internet: DNS, the reverse proxy or ingress route to PORT, the firewall, TLS. Graph must get the answer within 10 s.",
  };
}
