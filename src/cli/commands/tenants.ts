/**
 * `ra-watch tenants add|list|check|remove` (issue 19): the customer tenants one install watches. `add` prints the
 * admin-consent link the customer's Global Administrator opens; `check` says whether ra-watch can watch the tenant
 * and names any missing permission; `remove` deletes its subscriptions in Graph (`--purge --yes` also its data).
 * A running `serve` picks the changes up on its loops' next round (they read the registry).
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { isGuid } from '../../guid';
import type { TenantCheck } from '../../tenants/permission-probe';
import { TenantInputError, type TenantView } from '../../tenants/tenant-service';
import { UsageError } from '../cli-error';
import { confirmOrStop } from '../confirm';
import type { Output } from '../output';
import { withApp } from '../open-app';
import { outputOptions, printTabular, reportFormat, type FormatOptions } from '../report-format';

const TENANT_COLUMNS = ['name', 'id', 'status', 'subscriptions', 'added', 'added by', 'detail'];

function tenantRow(t: TenantView): Array<string | number | null> {
  return [
    t.label ?? '(name not read yet)',
    t.id,
    t.status,
    t.activeSubscriptions,
    t.addedAt,
    t.addedBy,
    t.statusDetail,
  ];
}

function tenantIdArgument(id: string): string {
  if (!isGuid(id))
    throw new UsageError(
      `<id> must be a tenant id (a GUID), got ${JSON.stringify(id)}; see ra-watch tenants list.`,
    );
  return id.toLowerCase();
}

function printTenant(t: TenantView, output: Output): void {
  output.text(
    `${t.label ?? '(name not read yet)'}  ${t.id}  ${t.status}  subscriptions ${t.activeSubscriptions}  added ${t.addedAt}${t.addedBy === null ? '' : ` by ${t.addedBy}`}`,
  );
  if (t.statusDetail !== null) output.text(`  ${t.statusDetail}`);
}

function printCheck(check: TenantCheck, output: Output): void {
  output.text(`  token: ${check.token.ok ? 'ok' : (check.token.detail ?? 'refused')}`);
  for (const p of check.permissions)
    output.text(
      `  ${p.ok ? 'ok     ' : 'MISSING'}  ${p.permission.padEnd(32)} ${p.call}${p.detail === null ? '' : `  (${p.detail})`}`,
    );
  if (check.fix !== null) output.text(`To fix: ${check.fix}`);
}

export function registerTenants(program: Command, output: Output): void {
  const tenants = program.command('tenants').description('The customer tenants this install watches (MSPs).');

  tenants
    .command('add <tenant>')
    .description(
      'Watch a tenant, by id or domain: prints its admin-consent link, checks it, subscribes, takes its baseline.',
    )
    .option('--json', 'print one JSON document')
    .action(async (ref: string, options: { json?: boolean }) => {
      const outcome = await withApp(async (app) => {
        try {
          return await app.tenants.add(ref, { by: `cli:${userInfo().username}`, baseline: 'wait' });
        } catch (error) {
          if (error instanceof TenantInputError) throw new UsageError(error.message);
          throw error;
        }
      });
      if (options.json === true) return output.json({ ...outcome, consentUrl: outcome.tenant.consentUrl });
      printTenant(outcome.tenant, output);
      if (outcome.tenant.consentUrl !== null)
        output.text(
          `Admin consent (a Global Administrator of the tenant opens it once): ${outcome.tenant.consentUrl}`,
        );
      printCheck(outcome.check, output);
      if (outcome.check.ok)
        output.text(
          `Watching: ${outcome.subscribed ? 'subscribed to user changes' : 'no subscription (see above)'}, baseline ${outcome.baseline}.`,
        );
      else output.text(`Not watched yet: after the consent, run ra-watch tenants check ${outcome.tenant.id}`);
    });

  outputOptions(
    tenants.command('list').description('The tenants this install watches, with their status.'),
  ).action(async (options: FormatOptions) => {
    const format = reportFormat(options);
    const list = await withApp((app) => app.tenants.list());
    printTabular(output, format, {
      columns: TENANT_COLUMNS,
      rows: list.map(tenantRow),
      document: { tenants: list },
      empty: 'No tenants. Add one with: ra-watch tenants add <tenant id or domain>',
    });
  });

  tenants
    .command('check <id>')
    .description('Try a token for the tenant and each Graph call ra-watch needs; names a missing permission.')
    .option('--json', 'print one JSON document')
    .action(async (id: string, options: { json?: boolean }) => {
      const tenantId = tenantIdArgument(id);
      const result = await withApp((app) => app.tenants.check(tenantId, { baseline: 'wait' }));
      if (result === null) throw new UsageError(`no tenant ${tenantId}; see ra-watch tenants list.`);
      if (options.json === true) return output.json(result);
      printTenant(result.tenant, output);
      printCheck(result.check, output);
    });

  tenants
    .command('remove <id>')
    .description(
      'Stop watching a tenant: deletes its subscriptions in Graph (--purge: also its stored data). Asks first; --yes off a terminal.',
    )
    .option('--purge', "also delete the tenant's snapshots, events, alerts and subscriptions rows")
    .option('--yes', 'do not ask (needed when stdin is not a terminal)')
    .option('--json', 'print one JSON document')
    .action(async (id: string, options: { purge?: boolean; yes?: boolean; json?: boolean }) => {
      const tenantId = tenantIdArgument(id);
      const purge = options.purge === true;
      await confirmOrStop({
        yes: options.yes === true,
        command: `ra-watch tenants remove ${tenantId}${purge ? ' --purge' : ''}`,
        question: purge
          ? `Stop watching ${tenantId}, delete its subscriptions in Graph and every stored row of it (events, alerts...)?`
          : `Stop watching ${tenantId} and delete its subscriptions in Graph?`,
        output,
        notDone: `${tenantId} was not removed`,
      });
      const outcome = await withApp((app) => app.tenants.remove(tenantId, { purge }));
      if (outcome === null) throw new UsageError(`no tenant ${tenantId}; see ra-watch tenants list.`);
      if (options.json === true) return output.json(outcome);
      output.text(
        `Removed ${tenantId}: ${outcome.deletedSubscriptions.length} subscription(s) deleted in Graph.`,
      );
      for (const e of outcome.subscriptionErrors)
        output.text(`  ${e.id}: Graph did not delete it (${e.error}); it lapses on its own.`);
      if (outcome.purged !== null)
        output.text(
          `Purged: ${Object.entries(outcome.purged)
            .map(([table, n]) => `${table} ${n}`)
            .join(', ')}`,
        );
    });
}
