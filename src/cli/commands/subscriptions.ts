/**
 * `ra-watch subscriptions list|create|renew|delete`: the Graph change-notification subscriptions ra-watch keeps.
 * The serving process renews them on its own; these are for setting up, checking and repairing.
 */
import type { Command } from 'commander';
import type { StoredSubscription } from '../../store/store';
import { UsageError } from '../cli-error';
import type { Output } from '../output';
import { tenantOf, withApp } from '../open-app';
import { tenantLabels, tenantText } from '../../tenants/tenant-names';

function printSubscription(
  s: StoredSubscription,
  output: Output,
  labels: ReadonlyMap<string, string> = new Map(),
): void {
  output.text(
    `${s.id}  ${s.resource}  ${s.status}  expires ${s.expiresAt}  tenant ${tenantText(s.tenantId, labels.get(s.tenantId))}  → ${s.notificationUrl}`,
  );
}

export function registerSubscriptions(program: Command, output: Output): void {
  const subscriptions = program
    .command('subscriptions')
    .description('Graph change-notification subscriptions.');

  subscriptions
    .command('list')
    .option('--tenant <id>', 'only this tenant')
    .option('--json', 'print one JSON document')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const { list, labels } = await withApp(async (app) => ({
        list: await app.subscriptions.list(options.tenant),
        labels: await tenantLabels(app.store),
      }));
      if (options.json === true) return output.json({ subscriptions: list });
      if (list.length === 0)
        output.text('No subscriptions. Create one with: ra-watch subscriptions create --resource users');
      for (const s of list) printSubscription(s, output, labels);
    });

  subscriptions
    .command('create')
    .description(
      'Subscribe to users (license and account changes) or groups (group-based licensing). Needs PUBLIC_BASE_URL.',
    )
    .option('--resource <users|groups>', 'what to watch', 'users')
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--json', 'print one JSON document')
    .action(async (options: { resource: string; tenant?: string; json?: boolean }) => {
      if (options.resource !== 'users' && options.resource !== 'groups') {
        throw new UsageError(`--resource takes users or groups, got ${JSON.stringify(options.resource)}.`);
      }
      const resource = options.resource;
      const created = await withApp((app, config) =>
        app.subscriptions.create({ tenantId: tenantOf(options.tenant, config), resource }),
      );
      if (options.json === true) return output.json(created);
      printSubscription(created, output);
    });

  subscriptions
    .command('renew <id>')
    .option('--json', 'print one JSON document')
    .action(async (id: string, options: { json?: boolean }) => {
      const outcome = await withApp(async (app) => {
        if ((await app.subscriptions.get(id)) === null)
          throw new UsageError(`no subscription ${id}; see ra-watch subscriptions list.`);
        return app.subscriptions.renew(id);
      });
      if (options.json === true) return output.json(outcome);
      if (outcome.recreatedFrom !== null)
        output.text(
          `Graph no longer knew ${outcome.recreatedFrom}: recreated, and a resync of the gap is queued.`,
        );
      printSubscription(outcome.subscription, output);
    });

  subscriptions
    .command('delete <id>')
    .option('--json', 'print one JSON document')
    .action(async (id: string, options: { json?: boolean }) => {
      const deleted = await withApp((app) => app.subscriptions.delete(id));
      if (options.json === true) return output.json({ id, deleted });
      if (!deleted) throw new UsageError(`no subscription ${id}; see ra-watch subscriptions list.`);
      output.text(`Deleted ${id}.`);
    });
}
