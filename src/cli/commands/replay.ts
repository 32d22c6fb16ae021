/**
 * `ra-watch replay --from 7d [--to ...] [--user id|upn] [--rule id] [--subscription id] [--deliver] [-o ...]`
 * and `ra-watch timeline <user>`: post-incident replay of the event log through today's rules. Dry run by default;
 * `--deliver` sends what would have fired, once. `-o json` (`--json`) streams NDJSON items then the report's summary
 * line; `-o csv` (`--csv`) streams CSV rows; the table is the summary and the items. Both read only the store: the
 * tenant's SKU catalog is the one stored with the events (replay/stored-sku-catalog.ts), so neither needs a Graph
 * credential or a reachable Graph.
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { isGuid } from '../../guid';
import { replay } from '../../replay/replay';
import { timeline } from '../../replay/timeline';
import { resolveReplayUser } from '../../replay/replay-user';
import type { App } from '../../app';
import { createCsvWriter, createNdjsonWriter, type ReplayItemWriter } from '../../replay/export';
import { ReplayInputError } from '../../replay/replay-input-error';
import type { ReplayReport } from '../../replay/replay-report';
import { storedCatalogFor } from '../../replay/stored-sku-catalog';
import { UsageError } from '../cli-error';
import type { Output } from '../output';
import { withApp } from '../open-app';
import { outputOptions, printTabular, reportFormat, type FormatOptions } from '../report-format';
import { TIMELINE_COLUMNS, timelineRows } from '../timeline-rows';

interface ReplayCliOptions extends FormatOptions {
  from?: string;
  to?: string;
  user?: string;
  rule?: string;
  subscription?: string;
  tenant?: string;
  deliver?: boolean;
}

export function registerReplay(program: Command, output: Output): void {
  outputOptions(
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
      .option('--csv', 'the same as -o csv: stream every item as CSV'),
  ).action(async (options: ReplayCliOptions) => {
    const format = reportFormat(options);
    const writer: ReplayItemWriter | null =
      format === 'csv'
        ? createCsvWriter(process.stdout)
        : format === 'json'
          ? createNdjsonWriter(process.stdout)
          : null;
    const noCatalog = new Set<string>();
    const report = await withApp(async (app, config) => {
      try {
        return await replay(
          {
            store: app.store,
            logger: app.logger,
            defaultTenantId: config.graph.tenantId,
            catalogFor: storedCatalogFor(app.store, (tenantId) => noCatalog.add(tenantId)),
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
            // The routing `serve` uses (environment channels, named channels and routes), so a replay's alerts go
            // where the live ones would.
            routing: app.routing,
            by: `cli:${userInfo().username}`,
            ...(writer === null ? {} : { onItem: (item) => writer.write(item) }),
          },
        );
      } catch (error) {
        if (error instanceof ReplayInputError) throw new UsageError(replayFlagMessage(error));
        throw error;
      }
    });
    for (const tenantId of noCatalog)
      output.error(
        `ra-watch: no SKU catalog is stored for tenant ${tenantId} yet (ra-watch stores it each time it reads the tenant's subscribedSkus): judged with the built-in catalog of well-known SKUs.`,
      );
    if (writer !== null) {
      // The items are already out, streamed; NDJSON closes with the summary line.
      await writer.finish(report);
      return;
    }
    printReplaySummary(report, output);
  });

  outputOptions(
    program
      .command('timeline <user>')
      .description(
        'Every license change of one account (object id or UPN), with activity ids and times, and the alerts raised.',
      )
      .option('--tenant <id>', 'tenant id (default AZURE_TENANT_ID)'),
  ).action(async (user: string, options: { tenant?: string } & FormatOptions) => {
    const format = reportFormat(options);
    const { result, rows } = await withApp(async (app, config) => {
      try {
        const tenantId = options.tenant ?? config.graph.tenantId ?? (await tenantKnowing(app, user));
        const result = await timeline(app.store, tenantId, user);
        const catalog = await storedCatalogFor(app.store)(result.tenantId ?? '');
        return { result, rows: timelineRows(result, catalog) };
      } catch (error) {
        if (error instanceof ReplayInputError) throw new UsageError(replayFlagMessage(error));
        throw error;
      }
    });
    if (format === 'table')
      output.text(
        `${result.displayName ?? result.userId} (${result.userPrincipalName ?? 'no UPN known'}, ${result.userId})`,
      );
    printTabular(output, format, {
      columns: TIMELINE_COLUMNS,
      rows,
      document: result,
      empty: 'No license changes or alerts recorded for this account.',
    });
  });
}

function printReplaySummary(report: ReplayReport, output: Output): void {
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
  if (report.items.length === 0) return;
  output.text('');
  printTabular(output, 'table', {
    columns: ['outcome', 'received', 'account', 'rule', 'severity', 'title', 'delivery'],
    rows: report.items.map((i) => [
      i.outcome,
      i.receivedAt,
      i.userPrincipalName ?? i.userId,
      i.ruleId,
      i.severity,
      i.title,
      i.delivery,
    ]),
    document: null,
    empty: '',
  });
  if (report.itemsOmitted > 0)
    output.text(`  … and ${report.itemsOmitted} more (-o csv or -o json streams every item).`);
}

/** The API's field names, as the CLI flags that set them: the admin typed flags, not JSON. */
const FLAG_OF: Record<string, string> = {
  userId: '--user',
  upn: '--user',
  tenantId: '--tenant',
  from: '--from',
  to: '--to',
  ruleId: '--rule',
  subscriptionId: '--subscription',
};

/** A ReplayInputError's message with every quoted field name and the example in CLI form. */
function replayFlagMessage(error: ReplayInputError): string {
  const flag = FLAG_OF[error.field] ?? error.field;
  const example = ` (example: ${error.field}=${error.example})`;
  const text = error.message.endsWith(example) ? error.message.slice(0, -example.length) : error.message;
  const named = text.replace(/"(\w+)"/g, (quoted, field: string) => FLAG_OF[field] ?? quoted);
  return `${named} (example: ${flag} ${error.example})`;
}

/**
 * With no --tenant and no AZURE_TENANT_ID (the demo tenants, or a CLI run without the tenant's settings), the tenant
 * among those ra-watch subscribes to that has seen this UPN; null when none has (the timeline then says so).
 */
async function tenantKnowing(app: App, user: string): Promise<string | null> {
  if (isGuid(user)) return null;
  const tenants = new Set((await app.subscriptions.list()).map((s) => s.tenantId));
  for (const tenantId of tenants) {
    try {
      await resolveReplayUser(app.store, tenantId, user);
      return tenantId;
    } catch (error) {
      if (!(error instanceof ReplayInputError)) throw error;
    }
  }
  return null;
}

function userSelection(user: string | undefined): { userId?: string; upn?: string } {
  if (user === undefined) return {};
  return isGuid(user) ? { userId: user } : { upn: user };
}
