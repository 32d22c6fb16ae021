/** `ra-watch alerts list|ack|test-sinks`: what is open, acknowledging it, and checking every configured channel. */
import type { Command } from 'commander';
import { createSinks, sinkSecrets } from '../../alerts/sinks-from-config';
import { testSinks } from '../../alerts/test-sinks';
import { loadConfig, readEnvironment } from '../../config';
import type { Alert } from '../../glossary';
import { ReportedFailure, UsageError } from '../cli-error';
import type { Output } from '../output';
import { oneShotLogger, withApp } from '../open-app';
import { outputOptions, printTabular, reportFormat, type FormatOptions } from '../report-format';
import { describeStore } from '../store-location';
import { tenantLabels, tenantText } from '../../tenants/tenant-names';

const ALERT_COLUMNS = ['id', 'state', 'severity', 'rule', 'tenant', 'account', 'first seen', 'title'];

function alertRow(a: Alert, labels: ReadonlyMap<string, string>): Array<string | null> {
  const account = a.finding.subject.kind === 'user' ? a.finding.subject.userPrincipalName : null;
  return [
    a.id,
    a.state,
    a.severity,
    a.ruleId,
    tenantText(a.tenantId, labels.get(a.tenantId)),
    account ?? '',
    a.firstSeenAt,
    a.finding.title,
  ];
}

export function registerAlerts(program: Command, output: Output): void {
  const alerts = program.command('alerts').description('Alerts raised by the rules.');

  outputOptions(
    alerts
      .command('list')
      .description('The alerts in the store, newest first.')
      .option('--state <open|resolved>', 'only open or only resolved alerts')
      .option('--tenant <id>', 'only this tenant'),
  ).action(async (options: { state?: string; tenant?: string } & FormatOptions) => {
    const format = reportFormat(options);
    if (options.state !== undefined && options.state !== 'open' && options.state !== 'resolved') {
      throw new UsageError(`--state takes open or resolved, got ${JSON.stringify(options.state)}.`);
    }
    const state = options.state;
    const { list, where, labels } = await withApp(async (app, config) => ({
      list: await app.store.alerts.list({
        ...(state === undefined ? {} : { state }),
        ...(options.tenant === undefined ? {} : { tenantId: options.tenant }),
        limit: 10_000,
      }),
      where: describeStore(config),
      labels: await tenantLabels(app.store),
    }));
    printTabular(output, format, {
      columns: ALERT_COLUMNS,
      rows: list.map((alert) => alertRow(alert, labels)),
      document: { alerts: list },
      empty: `No ${state ?? ''}${state === undefined ? '' : ' '}alerts in ${where}.`,
    });
  });

  outputOptions(
    alerts
      .command('ack <id>')
      .description('Acknowledge an alert (and optionally snooze it).')
      .requiredOption('--by <who>', 'who acknowledges it')
      .option('--reason <text>', 'why')
      .option('--snooze-until <iso-time>', 'no reminders before this time'),
    ['table', 'json'],
  ).action(
    async (id: string, options: { by: string; reason?: string; snoozeUntil?: string } & FormatOptions) => {
      const format = reportFormat(options, ['table', 'json']);
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
      if (format === 'json') return output.json(alert);
      output.text(`Acknowledged ${id} by ${options.by}.`);
    },
  );

  outputOptions(
    alerts
      .command('test-sinks')
      .description('Send a test message to every configured channel and report each result.'),
  ).action(async (options: FormatOptions) => {
    const format = reportFormat(options);
    const config = loadConfig(readEnvironment());
    const sinks = createSinks(config, oneShotLogger(config, config.logLevel));
    const results = await testSinks(sinks, undefined, sinkSecrets(config));
    printTabular(output, format, {
      columns: ['channel', 'result', 'error'],
      rows: results.map((r) => [r.sink, r.ok ? 'ok' : 'FAILED', r.error ?? null]),
      document: { results },
      empty: 'No channel is configured.',
    });
    if (results.some((r) => !r.ok)) throw new ReportedFailure('a sink failed');
  });
}
