/**
 * `ra-watch replay --from 7d [--to ...] [--user id|upn] [--rule id] [--subscription id] [--deliver] [--json|--csv]`
 * and `ra-watch timeline <user>`: post-incident replay of the event log through today's rules. Dry run by default;
 * `--deliver` sends what would have fired, once. `--json` streams NDJSON items then the report's summary line;
 * `--csv` streams CSV rows.
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { isGuid } from '../../guid';
import { createLicenseCatalog } from '../../licensing/license-catalog';
import { createRouting } from '../../alerts/alert-routing';
import { createSinks } from '../../alerts/sinks-from-config';
import { replay } from '../../replay/replay';
import { timeline } from '../../replay/timeline';
import { createCsvWriter, createNdjsonWriter, type ReplayItemWriter } from '../../replay/export';
import { ReplayInputError } from '../../replay/replay-input-error';
import { UsageError } from '../cli-error';
import type { Output } from '../output';
import { withApp } from '../open-app';

interface ReplayCliOptions {
  from?: string;
  to?: string;
  user?: string;
  rule?: string;
  subscription?: string;
  tenant?: string;
  deliver?: boolean;
  json?: boolean;
  csv?: boolean;
}

export function registerReplay(program: Command, output: Output): void {
  program
    .command('replay')
    .description("Re-run recorded license changes through today's rules; a dry run unless --deliver.")
    .requiredOption('--from <time>', 'start: ISO 8601 or relative (7d, 24h, 90m before now)')
    .option('--to <time>', 'end (default now)')
    .option('--user <id-or-upn>', 'one account')
    .option('--rule <rule-id>', 'one rule, e.g. ra.non-atomic-swap')
    .option('--subscription <id>', 'changes that came through one subscription')
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--deliver', 'send the alerts that would have fired (marked replayed; idempotent)')
    .option('--json', 'stream every item as NDJSON, then the summary')
    .option('--csv', 'stream every item as CSV')
    .action(async (options: ReplayCliOptions) => {
      if (options.json === true && options.csv === true)
        throw new UsageError('choose one of --json and --csv.');
      const writer: ReplayItemWriter | null =
        options.csv === true
          ? createCsvWriter(process.stdout)
          : options.json === true
            ? createNdjsonWriter(process.stdout)
            : null;
      const report = await withApp(async (app, config) => {
        try {
          return await replay(
            {
              store: app.store,
              logger: app.logger,
              defaultTenantId: config.graph.tenantId,
              catalogFor: async (tenantId) =>
                createLicenseCatalog(await app.graph.getSubscribedSkus(tenantId)),
            },
            {
              from: options.from,
              to: options.to,
              tenantId: options.tenant,
              ruleId: options.rule,
              subscriptionId: options.subscription,
              ...userSelection(options.user),
            },
            {
              deliver: options.deliver === true,
              routing: createRouting({ sinks: [...createSinks(config, app.logger).keys()] }),
              by: `cli:${userInfo().username}`,
              ...(writer === null ? {} : { onItem: (item) => writer.write(item) }),
            },
          );
        } catch (error) {
          if (error instanceof ReplayInputError) throw new UsageError(error.message);
          throw error;
        }
      });
      if (writer !== null) {
        // The items are already out, streamed; NDJSON closes with the summary line.
        await writer.finish(report);
        return;
      }
      if (report.notice !== null) output.text(report.notice);
      output.text(
        `${report.mode}: ${report.covered} events covered, ${report.replayed} replayed, ${report.findings} findings.`,
      );
      output.text(
        `  same as at the time: ${report.outcomes.same}; new with today's rules: ${report.outcomes.new}; gone: ${report.outcomes.gone}`,
      );
      if (report.mode === 'deliver')
        output.text(
          `  delivered now: ${report.delivery.delivered}; already delivered: ${report.delivery.alreadyDelivered}`,
        );
    });

  program
    .command('timeline <user>')
    .description('Every license change of one account, with activity ids and times, and the alerts raised.')
    .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)')
    .option('--json', 'print one JSON document')
    .action(async (user: string, options: { tenant?: string; json?: boolean }) => {
      const result = await withApp((app, config) =>
        timeline(app.store, options.tenant ?? config.graph.tenantId, user),
      );
      if (options.json === true) return output.json(result);
      output.text(`${result.displayName ?? result.userId} (${result.userPrincipalName ?? 'no UPN known'})`);
      for (const entry of result.entries) output.text(`  ${JSON.stringify(entry)}`);
    });
}

function userSelection(user: string | undefined): { userId?: string; upn?: string } {
  if (user === undefined) return {};
  return isGuid(user) ? { userId: user } : { upn: user };
}
