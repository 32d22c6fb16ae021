/**
 * Which sinks an alert message goes to, decided when the outbox entry is written (inside the store's transaction).
 * Severity decides: a critical account problem must reach people now, a warning goes to chat, info (the cost of
 * extra seats) waits for the daily digest. Only configured sinks are used, and `log` always is, so an install with
 * no Slack or SMTP still shows every alert.
 */
import type { Routing, Severity } from '../glossary';

export type Routes = Record<Severity, readonly string[]>;

export const DEFAULT_ROUTES: Routes = {
  critical: ['slack', 'teams', 'email', 'webhook', 'log'],
  warning: ['slack', 'teams', 'webhook', 'log'],
  // Info goes into the daily digest (see daily-digest.ts), not out as an immediate post.
  info: ['log'],
};

export interface RoutingConfig {
  /** The configured sink names (`createSinks(...).keys()`). */
  sinks: readonly string[];
  /** Overrides per severity; unnamed severities keep the default. */
  routes?: Partial<Routes>;
}

export function createRouting(config: RoutingConfig): Routing {
  const configured = new Set(config.sinks);
  const routes: Routes = { ...DEFAULT_ROUTES, ...config.routes };
  return (alert) => {
    // The resolved message goes where the opening went: routing depends on the alert's severity alone, never on the
    // kind, so both are written to the same sinks.
    const wanted = routes[alert.severity] ?? [];
    const chosen = wanted.filter((name) => configured.has(name));
    if (!chosen.includes('log')) chosen.push('log');
    return [...new Set(chosen)];
  };
}
