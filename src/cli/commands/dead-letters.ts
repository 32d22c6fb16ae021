/** `ra-watch dead-letters list|retry <id>`: the work that could not be done, with its reason, and a way to retry it. */
import type { Command } from 'commander';
import { DeadLetterNotFoundError } from '../../queue/queue';
import { UsageError } from '../cli-error';
import { nonNegativeInteger } from '../arguments';
import type { Output } from '../output';
import { withApp } from '../open-app';
import { outputOptions, printTabular, reportFormat, type FormatOptions } from '../report-format';

export function registerDeadLetters(program: Command, output: Output): void {
  const deadLetters = program
    .command('dead-letters')
    .description('Queue messages that could not be processed.');

  outputOptions(
    deadLetters
      .command('list')
      .description('The dead letters, with the reason each could not be processed.')
      .option('--limit <n>', 'at most this many', nonNegativeInteger('--limit', '100'), 100),
  ).action(async (options: { limit: number } & FormatOptions) => {
    const format = reportFormat(options);
    const list = await withApp((app) => app.queue.listDeadLetters({ limit: options.limit }));
    printTabular(output, format, {
      columns: ['id', 'dead-lettered', 'work', 'deliveries', 'reason', 'detail'],
      rows: list.map((d) => [
        d.id,
        d.deadLetteredAt.toISOString(),
        d.orderingKey,
        d.deliveryCount,
        d.reason,
        d.description,
      ]),
      document: { deadLetters: list },
      empty: 'No dead letters in the queue (QUEUE).',
    });
  });

  const retry = deadLetters
    .command('retry <id>')
    .description('Put a dead letter back on the queue once its cause is fixed.');
  outputOptions(retry, ['table', 'json']).action(async (id: string, options: FormatOptions) => {
    const format = reportFormat(options, ['table', 'json']);
    await withApp(async (app) => {
      try {
        await app.queue.retryDeadLetter(id);
      } catch (error) {
        if (error instanceof DeadLetterNotFoundError)
          throw new UsageError(`no dead letter ${id}; see ra-watch dead-letters list.`);
        throw error;
      }
    });
    if (format === 'json') return output.json({ retried: id });
    output.text(`Queued ${id} again.`);
  });
}
