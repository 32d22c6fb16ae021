/**
 * The web console's static pages, served under `/` by ra-watch itself (issue 12). Plain HTML, CSS and browser ES
 * modules: nothing is built, nothing comes from a CDN, so the console works offline and `npm run build` only copies
 * the folder (scripts/copy-assets.js). The pages call `/api/*` on the same origin with the admin's bearer token;
 * the static files themselves hold no data and need no token.
 *
 * The folder is resolved from this file's directory, so the same code serves `src/console/public` under ts-jest and
 * `dist/src/console/public` after a build.
 *
 * Security headers come from the Express app in front (src/http/security-headers.ts: a strict same-origin
 * Content-Security-Policy, no inline script), which every router is mounted behind; the pages also never use
 * innerHTML.
 */
import { join } from 'node:path';
import express, { type Router } from 'express';

export interface ConsoleRouterOptions {
  /** The folder of the pages (default: `public` beside this file). */
  publicDir?: string;
}

/** The folder the console's pages are served from. */
export const CONSOLE_PUBLIC_DIR = join(__dirname, 'public');

export function createConsoleRouter(options: ConsoleRouterOptions = {}): Router {
  const router = express.Router();
  router.use(
    express.static(options.publicDir ?? CONSOLE_PUBLIC_DIR, {
      index: 'index.html',
      // The pages change with ra-watch's version; a stale cached script against a newer API is a confusing bug.
      cacheControl: true,
      maxAge: 0,
      fallthrough: true,
    }),
  );
  return router;
}
