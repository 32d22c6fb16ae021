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
 * innerHTML. With Microsoft sign-in configured, the console's answers carry the same policy with the Entra sign-in
 * host added to connect-src (the pages redeem the sign-in code there), and nothing else changed.
 *
 * `GET /console/auth.json` (no token: the sign-in page needs it before there is one) says whether the console
 * offers Microsoft sign-in and with which public parameters (console-sign-in.ts). Never cached: it changes with the
 * server's configuration.
 */
import { join } from 'node:path';
import express, { type Router } from 'express';
import { contentSecurityPolicy } from '../http/security-headers';
import type { ConsoleSignIn } from './console-sign-in';

export interface ConsoleRouterOptions {
  /** The folder of the pages (default: `public` beside this file). */
  publicDir?: string;
  /** Offer "Sign in with Microsoft" with these settings (consoleSignInSettings(config)); null or absent: token only. */
  signIn?: ConsoleSignIn | null;
}

/** The console's sign-in configuration read: `{ entra: null }` or `{ entra: ConsoleSignIn }`. */
export const CONSOLE_AUTH_PATH = '/console/auth.json';

/** The folder the console's pages are served from. */
export const CONSOLE_PUBLIC_DIR = join(__dirname, 'public');

export function createConsoleRouter(options: ConsoleRouterOptions = {}): Router {
  const router = express.Router();
  const signIn = options.signIn ?? null;
  if (signIn !== null) {
    const policy = contentSecurityPolicy({ connectSrc: [new URL(signIn.tokenEndpoint).origin] });
    router.use((_req, res, next) => {
      res.setHeader('Content-Security-Policy', policy);
      next();
    });
  }
  router.get(CONSOLE_AUTH_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ entra: signIn });
  });
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
