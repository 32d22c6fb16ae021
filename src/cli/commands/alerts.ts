/** `ra-watch alerts list|ack|test-sinks`: what is open, acknowledging it, and checking every configured channel. */
import type { Command } from 'commander';
import { createSinks, sinkSecrets } from '../../alerts/sinks-from-config';
import { testSinks } from '../../alerts/test-sinks';
import { loadConfig, readEnvironment } from '../../config';
import { createLogger } from '../../logger';
import { ReportedFailure, UsageError } from '../cli-error';
import type { Output } from '../output';
import { withApp } from '../open-app';
import { tenantLabels } from '../../tenants/tenant-names';

export function registerAlerts(program: Command, output: Output): void {
  const alerts = program.command('alerts').description('Alerts raised by the rules.');

  alerts
    .command('list')
    .option('--state <open|resolved>', 'only open or only resolved alerts')
    .option('--tenant <id>', 'only this tenant')
    .option('--json', 'print one JSON document')
    .action(async (options: { state?: string; tenant?: string; json?: boolean }) => {
      if (options.state !== undefined && options.state !== 'open' && options.state !== 'resolved') {
        throw new UsageError(`--state takes open or resolved, got ${JSON.stringify(options.state)}.`);
      }
      const state = options.state;
      const { list, labels } = await withApp(async (app) => ({
        list: await app.store.alerts.list({
          ...(state === undefined ? {} : { state }),
          ...(options.tenant === undefined ? {} : { tenantId: options.tenant }),
          limit: 10_000,
        }),
        labels: await tenantLabels(app.store),
      }));
      if (options.json === true) return output.json({ alerts: list });
      if (list.length === 0) output.text('No alerts.');
      for (const a of list)
        output.text(
          `${a.id}  ${a.state.padEnd(8)} [${a.severity}] ${a.ruleId}: ${a.finding.title}${labels.has(a.tenantId) ? `  (${labels.get(a.tenantId)})` : ''}`,
        );
    });

  alerts
    .command('ack <id>')
    .description('Acknowledge an alert (and optionally snooze it).')
    .requiredOption('--by <who>', 'who acknowledges it')
    .option('--reason <text>', 'why')
    .option('--snooze-until <iso-time>', 'no reminders before this time')
    .option('--json', 'print one JSON document')
    .action(
      async (id: string, options: { by: string; reason?: string; snoozeUntil?: string; json?: boolean }) => {
        if (options.snoozeUntil !== undefined && Number.isNaN(Date.parse(options.snoozeUntil))) {
          throw new UsageError(
            `--snooze-until takes an ISO 8601 time, got ${JSON.stringify(options.snoozeUntil)} (example: 2026-12-01T09:00:00Z).`,
          );
        }
        const alert = await withApp((app) =>
          app.store.alerts.acknowledge(
            id,
            options.by,
            options.reason ?? null,
            options.snoozeUntil === undefined ? null : new Date(options.snoozeUntil).toISOString(),
            new Date().toISOString(),
          ),
        );
        if (alert === null) throw new UsageError(`no alert ${id}; see ra-watch alerts list.`);
        if (options.json === true) return output.json(alert);
        output.text(`Acknowledged ${id} by ${options.by}.`);
      },
    );

  alerts
    .command('test-sinks')
    .description('Send a test message to every configured channel and report each result.')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(readEnvironment());
      const sinks = createSinks(
        config,
        createLogger({ level: config.logLevel, destination: process.stderr }),
      );
      const results = await testSinks(sinks, undefined, sinkSecrets(config));
      if (options.json === true) output.json({ results });
      else
        for (const r of results)
          output.text(
            `${r.ok ? 'ok    ' : 'FAILED'} ${r.sink}${r.error === undefined ? '' : `: ${r.error}`}`,
          );
      if (results.some((r) => !r.ok)) throw new ReportedFailure('a sink failed');
    });
}
