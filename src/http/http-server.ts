/**
 * The one HTTP server: Graph's hot endpoints first (the lean ingest handler), everything else falls through to
 * Express. One port, one server, so Graph, the API and the probes all reach the same process (DESIGN.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Ingest } from '../ingest/ingest';

export interface HttpServerParts {
  ingest: Pick<Ingest, 'handle'>;
  app: Express;
}

export function createHttpServer(parts: HttpServerParts): Server {
  const { ingest, app } = parts;
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (ingest.handle(req, res)) return;
    app(req, res);
  });
}
