/**
 * `ra-watch resource-accounts list|add|remove`: the admin's registry (DOMAIN.md §4 source 4). It always wins over
 * inference: `add` declares an account Teams or the conventions missed (one that lost every license is found only
 * this way, by Teams, or by an application instance), `add --not` excludes one ra-watch got wrong, `remove` hands the
 * decision back to inference. A change queues a re-check of the account, so it is judged under its new identity.
 * Accounts are given as an object id or a UPN (what admins remember), shown with both and the display name.
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import type { UserSnapshot } from '../../glossary';
import { isGuid } from '../../guid';
import { userRecheckMessage } from '../../queue/user-recheck';
import { resolveReplayUser } from '../../replay/replay-user';
import { ReplayInputError } from '../../replay/replay-input-error';
import type { RegistryEntry } from '../../store/store';
import { UsageError } from '../cli-error';
import type { Output } from '../output';
import { tenantOf, withApp } from '../open-app';
import { outputOptions, printTabular, reportFormat, type FormatOptions } from '../report-format';
import { describeStore } from '../store-location';
import type { App } from '../../app';

const UPN = /^[^@\s]+@[^@\s]+$/;

/**
 * The object id of `<user>`: a GUID as it is; a UPN through the accounts ra-watch has stored, else Graph's
 * `/users/{upn}` (an account ra-watch has not seen yet, e.g. one that lost every license before it started).
 */
async function userIdOf(app: App, tenantId: string, user: string): Promise<string> {
  const value = user.trim();
  if (isGuid(value)) return value.toLowerCase();
  if (!UPN.test(value))
    throw new UsageError(
      `<user> takes the account's object id (a GUID) or its user principal name, got ${JSON.stringify(user)} (example: ra_cq_sales@contoso.com).`,
    );
  try {
    return (await resolveReplayUser(app.store, tenantId, value)).userId;
  } catch (error) {
    if (!(error instanceof ReplayInputError)) throw error;
  }
  const snapshot = await app.graph.getUser(tenantId, value);
  if (snapshot.deleted)
    throw new UsageError(
      `no account ${value} in tenant ${tenantId} (neither ra-watch nor Graph knows it): check the UPN, or give the object id.`,
    );
  return snapshot.userId.toLowerCase();
}

async function queueRecheck(app: App, tenantId: string, userId: string): Promise<void> {
  await app.queue.send([userRecheckMessage(tenantId, userId, new Date())]);
}

function named(snapshot: UserSnapshot | null): { upn: string | null; displayName: string | null } {
  return { upn: snapshot?.userPrincipalName ?? null, displayName: snapshot?.displayName ?? null };
}

export function registerResourceAccounts(program: Command, output: Output): void {
  const accounts = program
    .command('resource-accounts')
    .description('The registry of resource accounts (always wins over inference).');

  outputOptions(
    accounts
      .command('list')
      .description('The registry and the resource accounts ra-watch identified, with UPN and display name.')
      .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)'),
  ).action(async (options: { tenant?: string } & FormatOptions) => {
    const format = reportFormat(options);
    const { registry, identified, names, where } = await withApp(async (app, config) => {
      const tenantId = tenantOf(options.tenant, config);
      const registry = await app.store.registry.list(tenantId);
      const identified = await app.store.identifications.listResourceAccounts(tenantId);
      const names = new Map<string, { upn: string | null; displayName: string | null }>();
      // The stored snapshot names an account the worker has read; one only the registry knows is asked of Graph,
      // until Graph fails once (no credential, unreachable): then the names stay empty rather than the list slow.
      let askGraph = config.graph.credential.kind !== 'none';
      for (const userId of new Set([...registry, ...identified].map((a) => a.userId))) {
        let snapshot = await app.store.snapshots.get(tenantId, userId);
        if (snapshot === null && askGraph) {
          try {
            snapshot = await app.graph.getUser(tenantId, userId);
          } catch {
            askGraph = false;
          }
        }
        names.set(userId, named(snapshot));
      }
      return { registry, identified, names, where: describeStore(config) };
    });
    const inRegistry = new Set(registry.map((r) => r.userId));
    const rows = [
      ...registry.map((r) => ({
        userId: r.userId,
        ...names.get(r.userId)!,
        resourceAccount: r.isResourceAccount,
        source: 'registry',
        application: r.application,
        note: r.note,
      })),
      ...identified
        .filter((i) => !inRegistry.has(i.userId))
        .map((i) => ({
          userId: i.userId,
          ...names.get(i.userId)!,
          resourceAccount: true,
          source: i.identifiedBy ?? 'unknown',
          application: i.application,
          note: i.detail,
        })),
    ];
    printTabular(output, format, {
      columns: ['upn', 'display name', 'resource account', 'source', 'application', 'user id', 'note'],
      rows: rows.map((r) => [
        r.upn,
        r.displayName,
        r.resourceAccount ? 'yes' : 'NO',
        r.source,
        r.application,
        r.userId,
        r.note,
      ]),
      // `registry` and `identified` as before; `accounts` adds the merged list with names.
      document: { registry, identified, accounts: rows },
      empty: `No resource accounts known in ${where}: run ra-watch audit --record, or add one with ra-watch resource-accounts add <upn>.`,
    });
  });

  outputOptions(
    accounts
      .command('add <user>')
      .description(
        'Declare a resource account, by object id or UPN (or, with --not, declare that it is not one).',
      )
      .option('--not', 'the account is NOT a resource account, whatever the conventions say')
      .option('--application <auto-attendant|call-queue>', 'what it serves')
      .option('--note <text>', 'why')
      .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)'),
    ['table', 'json'],
  ).action(
    async (
      user: string,
      options: { not?: boolean; application?: string; note?: string; tenant?: string } & FormatOptions,
    ) => {
      const format = reportFormat(options, ['table', 'json']);
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
        const userId = await userIdOf(app, tenantId, user);
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
      if (format === 'json') return output.json(entry);
      output.text(
        `${user} (${entry.userId}) is now ${entry.isResourceAccount ? 'a resource account' : 'NOT a resource account'} in the registry; a re-check is queued.`,
      );
    },
  );

  outputOptions(
    accounts
      .command('remove <user>')
      .description('Remove a registry entry (by object id or UPN): inference decides again.')
      .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)'),
    ['table', 'json'],
  ).action(async (user: string, options: { tenant?: string } & FormatOptions) => {
    const format = reportFormat(options, ['table', 'json']);
    const { userId, removed } = await withApp(async (app, config) => {
      const tenantId = tenantOf(options.tenant, config);
      const userId = await userIdOf(app, tenantId, user);
      const gone = await app.store.registry.delete(tenantId, userId);
      if (gone) await queueRecheck(app, tenantId, userId);
      return { userId, removed: gone };
    });
    if (format === 'json') return output.json({ userId, removed });
    if (!removed)
      throw new UsageError(`${user} is not in the registry; see ra-watch resource-accounts list.`);
    output.text(`Removed ${user} from the registry; a re-check is queued.`);
  });
}
