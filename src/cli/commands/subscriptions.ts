/**
 * `ra-watch subscriptions list|create|renew|delete`: the Graph change-notification subscriptions ra-watch keeps.
 * The serving process renews them on its own; these are for setting up, checking and repairing.
 */
import type { Command } from 'commander';
import type { StoredSubscription } from '../../store/store';
import { ReportedFailure, UsageError } from '../cli-error';
import { confirm } from '../confirm';
import type { Output } from '../output';
import { tenantOf, withApp } from '../open-app';
import { outputOptions, printTabular, reportFormat, type FormatOptions } from '../report-format';
import { describeStore } from '../store-location';
import { tenantLabels, tenantText } from '../../tenants/tenant-names';

const COLUMNS = ['id', 'resource', 'status', 'expires', 'tenant', 'notification url'];

function row(s: StoredSubscription, labels: ReadonlyMap<string, string> = new Map()): string[] {
  return [
    s.id,
    s.resource,
    s.status,
    s.expiresAt,
    tenantText(s.tenantId, labels.get(s.tenantId)),
    s.notificationUrl,
  ];
}

function printOne(s: StoredSubscription, output: Output): void {
  printTabular(output, 'table', { columns: COLUMNS, rows: [row(s)], document: s, empty: '' });
}

export function registerSubscriptions(program: Command, output: Output): void {
  const subscriptions = program
    .command('subscriptions')
    .description('Graph change-notification subscriptions.');

  outputOptions(
    subscriptions
      .command('list')
      .description('The subscriptions ra-watch keeps, with their expiry.')
      .option('--tenant <id>', 'only this tenant'),
  ).action(async (options: { tenant?: string } & FormatOptions) => {
    const format = reportFormat(options);
    const { list, where, labels } = await withApp(async (app, config) => ({
      list: await app.subscriptions.list(options.tenant),
      where: describeStore(config),
      labels: await tenantLabels(app.store),
    }));
    printTabular(output, format, {
      columns: COLUMNS,
      rows: list.map((s) => row(s, labels)),
      document: { subscriptions: list },
      empty: `No subscriptions in ${where}. Create one with: ra-watch subscriptions create --resource users`,
    });
  });

  outputOptions(
    subscriptions
      .command('create')
      .description(
        'Subscribe to users (license and account changes) or groups (group-based licensing). Needs PUBLIC_BASE_URL.',
      )
      .option('--resource <users|groups>', 'what to watch', 'users')
      .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)'),
    ['table', 'json'],
  ).action(async (options: { resource: string; tenant?: string } & FormatOptions) => {
    const format = reportFormat(options, ['table', 'json']);
    if (options.resource !== 'users' && options.resource !== 'groups') {
      throw new UsageError(`--resource takes users or groups, got ${JSON.stringify(options.resource)}.`);
    }
    const resource = options.resource;
    const created = await withApp((app, config) =>
      app.subscriptions.create({ tenantId: tenantOf(options.tenant, config), resource }),
    );
    if (format === 'json') return output.json(created);
    printOne(created, output);
  });

  outputOptions(
    subscriptions.command('renew <id>').description('Renew a subscription now (recreated if Graph lost it).'),
    ['table', 'json'],
  ).action(async (id: string, options: FormatOptions) => {
    const format = reportFormat(options, ['table', 'json']);
    const outcome = await withApp(async (app) => {
      if ((await app.subscriptions.get(id)) === null)
        throw new UsageError(`no subscription ${id}; see ra-watch subscriptions list.`);
      return app.subscriptions.renew(id);
    });
    if (format === 'json') return output.json(outcome);
    if (outcome.recreatedFrom !== null)
      output.text(
        `Graph no longer knew ${outcome.recreatedFrom}: recreated, and a resync of the gap is queued.`,
      );
    printOne(outcome.subscription, output);
  });

  outputOptions(
    subscriptions
      .command('delete <id>')
      .description('Delete a subscription at Graph and here (asks first; --yes when not on a terminal).')
      .option('-y, --yes', 'delete without asking (needed when stdin is not a terminal)'),
    ['table', 'json'],
  ).action(async (id: string, options: { yes?: boolean } & FormatOptions) => {
    const format = reportFormat(options, ['table', 'json']);
    const deleted = await withApp(async (app): Promise<boolean | 'declined'> => {
      const existing = await app.subscriptions.get(id);
      if (existing === null) return false;
      const go = await confirm({
        yes: options.yes === true,
        command: `ra-watch subscriptions delete ${id}`,
        question: `Delete subscription ${id} (${existing.resource}, tenant ${existing.tenantId})? Graph stops notifying ra-watch of these changes.`,
      });
      return go ? app.subscriptions.delete(id) : 'declined';
    });
    if (deleted === 'declined') {
      output.error(`ra-watch: ${id} was not deleted (the answer was not yes).`);
      throw new ReportedFailure('declined');
    }
    if (format === 'json') return output.json({ id, deleted });
    if (!deleted) throw new UsageError(`no subscription ${id}; see ra-watch subscriptions list.`);
    output.text(`Deleted ${id}.`);
  });
}
