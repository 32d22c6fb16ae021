/**
 * `ra-watch channels add|list|show|remove|test` and `ra-watch routes add|list|remove` (issue 19): named alert
 * channels and which tenants' alerts go to them. In-process like `tenants`: a running `serve` reads the change on
 * its next routes refresh (15 s). A webhook URL is a credential, so `--url -` and `--secret -` read it from stdin
 * instead of the command line (where shell history and `ps` would keep it); nothing printed ever holds it.
 */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import type { z } from 'zod';
import { channelInput, channelName, routeInput } from '../../alerts/channels/channel-input';
import { ChannelServiceError, type ChannelView, type RouteView } from '../../alerts/channels/channel-service';
import { describeIssues } from '../../describe-issues';
import { commaList } from '../arguments';
import { ReportedFailure, UsageError } from '../cli-error';
import { confirmOrStop } from '../confirm';
import type { Output } from '../output';
import { withApp } from '../open-app';
import { outputOptions, printTabular, reportFormat, type FormatOptions } from '../report-format';

const by = (): string => `cli:${userInfo().username}`;

/** The service's refusals as a command-line error (exit 2, the message as the API would word it). */
async function orUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ChannelServiceError) throw new UsageError(error.message);
    throw error;
  }
}

function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(describeIssues(result.error, { root: '(arguments)' }));
  return result.data;
}

/** `-`: the value is read from stdin (one line, trimmed), so it never sits in the shell's history. */
async function valueOrStdin(value: string | undefined): Promise<string | undefined> {
  if (value !== '-') return value;
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (line === '') throw new UsageError('stdin was empty where a value was to be read (`-`).');
  return line;
}

const CHANNEL_COLUMNS = ['name', 'kind', 'target', 'signed', 'digests', 'used by', 'added'];
const channelRow = (c: ChannelView) => [
  c.name,
  c.kind,
  c.target,
  c.secretSet ? 'yes' : 'no',
  c.digests ? 'yes' : 'no',
  c.usedBy.join(' '),
  c.createdAt,
];

const ROUTE_COLUMNS = ['id', 'tenants', 'severities', 'channels', 'also default'];
const routeRow = (r: RouteView) => [
  r.id,
  r.tenants.length === 0
    ? 'every tenant'
    : r.tenants.map((t) => t.label ?? `${t.id} (not watched)`).join('; '),
  r.severities.join(','),
  r.channels.join(','),
  r.alsoDefault ? 'yes' : 'no',
];

export function registerChannels(program: Command, output: Output): void {
  const channels = program
    .command('channels')
    .description("Named alert channels (Slack, Teams, e-mail, webhook) that routes send tenants' alerts to.");

  channels
    .command('add <name>')
    .description('Add a channel; its URL and signing secret are stored encrypted (CHANNEL_SECRETS_KEY).')
    .requiredOption('--kind <kind>', 'slack, teams, email or webhook')
    .option('--url <url>', 'the webhook URL (slack, teams, webhook); - reads it from stdin')
    .option('--secret <secret>', "a webhook channel's signing secret (whsec_...); - reads it from stdin")
    .option('--to <addresses>', 'e-mail recipients, comma-separated (email)', commaList)
    .option('--no-digests', 'post alerts only, not burst summaries nor the daily digest')
    .option('--json', 'print one JSON document')
    .action(
      async (
        name: string,
        options: {
          kind: string;
          url?: string;
          secret?: string;
          to?: string[];
          digests: boolean;
          json?: boolean;
        },
      ) => {
        if (options.url === '-' && options.secret === '-')
          throw new UsageError('only one of --url and --secret can be read from stdin.');
        const input = parsed(channelInput, {
          name,
          kind: options.kind,
          url: await valueOrStdin(options.url),
          secret: await valueOrStdin(options.secret),
          to: options.to,
          ...(options.digests ? {} : { digests: false }),
        });
        const channel = await withApp((app) => orUsage(() => app.channels.addChannel(input, by())));
        if (options.json === true) return output.json({ channel });
        output.text(`Added channel ${channel.name} (${channel.kind}, ${channel.target}).`);
        output.text(`Send it a test: ra-watch channels test ${channel.name}`);
        output.text(
          `Route a tenant's alerts to it: ra-watch routes add --channel ${channel.name} --tenant <tenant id>`,
        );
      },
    );

  outputOptions(channels.command('list').description('The named channels (never their URLs).')).action(
    async (options: FormatOptions) => {
      const format = reportFormat(options);
      const all = await withApp((app) => app.channels.listChannels());
      printTabular(output, format, {
        columns: CHANNEL_COLUMNS,
        rows: all.map(channelRow),
        document: { channels: all },
        empty:
          'No channels: every alert goes to the channels set in the environment. Add one with: ra-watch channels add <name> --kind slack --url -',
      });
    },
  );

  channels
    .command('show <name>')
    .description('One channel and the routes that use it.')
    .option('--json', 'print one JSON document')
    .action(async (raw: string, options: { json?: boolean }) => {
      const name = parsed(channelName, raw);
      const channel = await withApp((app) => orUsage(() => app.channels.getChannel(name)));
      if (options.json === true) return output.json({ channel });
      output.text(
        `${channel.name}  ${channel.kind}  ${channel.target}  signed ${channel.secretSet ? 'yes' : 'no'}  digests ${channel.digests ? 'yes' : 'no'}`,
      );
      output.text(`  used by: ${channel.usedBy.length === 0 ? 'no route' : channel.usedBy.join(', ')}`);
    });

  channels
    .command('test <name>')
    .description('Send the channel a test message and say whether it arrived.')
    .option('--json', 'print one JSON document')
    .action(async (raw: string, options: { json?: boolean }) => {
      const name = parsed(channelName, raw);
      const result = await withApp((app) => orUsage(() => app.channels.testChannel(name)));
      if (options.json === true) output.json({ channel: name, ...result });
      else
        output.text(result.ok ? `${name}: test message delivered` : `${name}: FAILED ${result.detail ?? ''}`);
      if (!result.ok) throw new ReportedFailure('test message not delivered');
    });

  channels
    .command('remove <name>')
    .description('Remove a channel no route uses. Asks first; --yes off a terminal.')
    .option('--yes', 'do not ask (needed when stdin is not a terminal)')
    .action(async (raw: string, options: { yes?: boolean }) => {
      const name = parsed(channelName, raw);
      await confirmOrStop({
        yes: options.yes === true,
        command: `ra-watch channels remove ${name}`,
        question: `Remove channel ${name}?`,
        output,
        notDone: `channel ${name} was not removed`,
      });
      await withApp((app) => orUsage(() => app.channels.removeChannel(name)));
      output.text(`Removed channel ${name}.`);
    });

  const routes = program
    .command('routes')
    .description("Which tenants' alerts of which severities go to which named channels.");

  routes
    .command('add')
    .description(
      "Send some tenants' alerts to named channels instead of the environment's (--also-default: as well).",
    )
    .requiredOption('--channel <name>', 'a channel (repeat or comma-separate for several)', commaList)
    .option(
      '--tenant <id>',
      'a tenant id or its default domain (repeat or comma-separate; none: every tenant)',
      commaList,
    )
    .option('--severity <list>', 'critical,warning,info (default critical,warning)', commaList)
    .option('--also-default', "also send to the environment's channels")
    .option('--json', 'print one JSON document')
    .action(
      async (options: {
        channel: string[];
        tenant?: string[];
        severity?: string[];
        alsoDefault?: boolean;
        json?: boolean;
      }) => {
        const input = parsed(routeInput, {
          channels: options.channel,
          ...(options.tenant === undefined ? {} : { tenantIds: options.tenant }),
          ...(options.severity === undefined ? {} : { severities: options.severity }),
          ...(options.alsoDefault === true ? { alsoDefault: true } : {}),
        });
        const route = await withApp((app) => orUsage(() => app.channels.addRoute(input, by())));
        if (options.json === true) return output.json({ route });
        output.text(`Added route ${route.id}:`);
        printTabular(output, 'table', {
          columns: ROUTE_COLUMNS,
          rows: [routeRow(route)],
          document: {},
          empty: '',
        });
      },
    );

  outputOptions(routes.command('list').description("The routes, and the default route's channels.")).action(
    async (options: FormatOptions) => {
      const format = reportFormat(options);
      const answer = await withApp((app) => app.channels.listRoutes());
      printTabular(output, format, {
        columns: ROUTE_COLUMNS,
        rows: answer.routes.map(routeRow),
        document: answer,
        empty: `No routes: every alert goes to the default route (${answer.defaultChannels.join(', ')}).`,
      });
      if (format === 'table' && answer.routes.length > 0)
        output.text(
          `Alerts no route matches go to the default route (${answer.defaultChannels.join(', ')}).`,
        );
    },
  );

  routes
    .command('remove <id>')
    .description('Remove a route. Asks first; --yes off a terminal.')
    .option('--yes', 'do not ask (needed when stdin is not a terminal)')
    .action(async (id: string, options: { yes?: boolean }) => {
      await confirmOrStop({
        yes: options.yes === true,
        command: `ra-watch routes remove ${id}`,
        question: `Remove route ${id}?`,
        output,
        notDone: `route ${id} was not removed`,
      });
      await withApp((app) => orUsage(() => app.channels.removeRoute(id)));
      output.text(`Removed route ${id}.`);
    });
}
