/**
 * `ra-watch resource-accounts list|add|remove`: the admin's registry (DOMAIN.md §4 source 4). It always wins over
 * inference: `add` declares an account Teams or the conventions missed (one that lost every license is found only
 * this way, by Teams, or by an application instance), `add --not` excludes one ra-watch got wrong, `remove` hands the
 * decision back to inference. A change queues a re-check of the account, so it is judged under its new identity.
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { isGuid } from '../../guid';
import { userRecheckMessage } from '../../queue/user-recheck';
import type { RegistryEntry } from '../../store/store';
import { UsageError } from '../cli-error';
import type { Output } from '../output';
import { tenantOf, withApp } from '../open-app';
import type { App } from '../../app';

function userIdOption(userId: string): string {
  if (!isGuid(userId))
    throw new UsageError(
      `<user-id> must be the user's object id (a GUID, as in Entra or Graph), got ${JSON.stringify(userId)}.`,
    );
  return userId.toLowerCase();
}

async function queueRecheck(app: App, tenantId: string, userId: string): Promise<void> {
  await app.queue.send([userRecheckMessage(tenantId, userId, new Date())]);
}

export function registerResourceAccounts(program: Command, output: Output): void {
  const accounts = program
    .command('resource-accounts')
    .description('The registry of resource accounts (always wins over inference).');

  accounts
    .command('list')
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--json', 'print one JSON document')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const { registry, identified } = await withApp(async (app, config) => {
        const tenantId = tenantOf(options.tenant, config);
        return {
          registry: await app.store.registry.list(tenantId),
          identified: await app.store.identifications.listResourceAccounts(tenantId),
        };
      });
      if (options.json === true) return output.json({ registry, identified });
      output.text(`Registry (${registry.length}):`);
      for (const r of registry)
        output.text(
          `  ${r.userId}  ${r.isResourceAccount ? 'resource account' : 'NOT a resource account'}  ${r.application}${r.note === null ? '' : `  (${r.note})`}`,
        );
      output.text(`Identified by ra-watch (${identified.length}):`);
      for (const i of identified)
        output.text(`  ${i.userId}  by ${i.identifiedBy ?? 'unknown'}  ${i.detail}`);
    });

  accounts
    .command('add <user-id>')
    .description('Declare a resource account (or, with --not, declare that it is not one).')
    .option('--not', 'the account is NOT a resource account, whatever the conventions say')
    .option('--application <auto-attendant|call-queue>', 'what it serves')
    .option('--note <text>', 'why')
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--json', 'print one JSON document')
    .action(
      async (
        rawUserId: string,
        options: { not?: boolean; application?: string; note?: string; tenant?: string; json?: boolean },
      ) => {
        const userId = userIdOption(rawUserId);
        if (
          options.application !== undefined &&
          options.application !== 'auto-attendant' &&
          options.application !== 'call-queue'
        ) {
          throw new UsageError(
            `--application takes auto-attendant or call-queue, got ${JSON.stringify(options.application)}.`,
          );
        }
        const application = options.application ?? 'unknown';
        const entry = await withApp(async (app, config) => {
          const tenantId = tenantOf(options.tenant, config);
          const record: RegistryEntry = {
            tenantId,
            userId,
            isResourceAccount: options.not !== true,
            application: application,
            note: options.note ?? null,
            updatedAt: new Date().toISOString(),
            updatedBy: `cli:${userInfo().username}`,
          };
          await app.store.registry.put(record);
          await queueRecheck(app, tenantId, userId);
          return record;
        });
        if (options.json === true) return output.json(entry);
        output.text(
          `${userId} is now ${entry.isResourceAccount ? 'a resource account' : 'NOT a resource account'} in the registry; a re-check is queued.`,
        );
      },
    );

  accounts
    .command('remove <user-id>')
    .description('Remove a registry entry: inference decides again.')
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--json', 'print one JSON document')
    .action(async (rawUserId: string, options: { tenant?: string; json?: boolean }) => {
      const userId = userIdOption(rawUserId);
      const removed = await withApp(async (app, config) => {
        const tenantId = tenantOf(options.tenant, config);
        const gone = await app.store.registry.delete(tenantId, userId);
        if (gone) await queueRecheck(app, tenantId, userId);
        return gone;
      });
      if (options.json === true) return output.json({ userId, removed });
      if (!removed)
        throw new UsageError(`${userId} is not in the registry; see ra-watch resource-accounts list.`);
      output.text(`Removed ${userId} from the registry; a re-check is queued.`);
    });
}
