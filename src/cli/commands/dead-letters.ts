/** `ra-watch dead-letters list|retry <id>`: the work that could not be done, with its reason, and a way to retry it. */
import type { Command } from 'commander';
import { DeadLetterNotFoundError } from '../../queue/queue';
import { UsageError } from '../cli-error';
import { nonNegativeInteger } from '../arguments';
import type { Output } from '../output';
import { withApp } from '../open-app';

export function registerDeadLetters(program: Command, output: Output): void {
  const deadLetters = program
    .command('dead-letters')
    .description('Queue messages that could not be processed.');

  deadLetters
    .command('list')
    .option('--limit <n>', 'at most this many', nonNegativeInteger('--limit', '100'), 100)
    .option('--json', 'print one JSON document')
    .action(async (options: { limit: number; json?: boolean }) => {
      const list = await withApp((app) => app.queue.listDeadLetters({ limit: options.limit }));
      if (options.json === true) return output.json({ deadLetters: list });
      if (list.length === 0) output.text('No dead letters.');
      for (const d of list) {
        output.text(
          `${d.id}  ${d.deadLetteredAt.toISOString()}  ${d.orderingKey}  after ${d.deliveryCount} deliveries: ${d.reason}${d.description === null ? '' : ` (${d.description})`}`,
        );
      }
    });

  deadLetters
    .command('retry <id>')
    .description('Put a dead letter back on the queue once its cause is fixed.')
    .option('--json', 'print one JSON document')
    .action(async (id: string, options: { json?: boolean }) => {
      await withApp(async (app) => {
        try {
          await app.queue.retryDeadLetter(id);
        } catch (error) {
          if (error instanceof DeadLetterNotFoundError)
            throw new UsageError(`no dead letter ${id}; see ra-watch dead-letters list.`);
          throw error;
        }
      });
      if (options.json === true) return output.json({ retried: id });
      output.text(`Queued ${id} again.`);
    });
}
