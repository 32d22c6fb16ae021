/**
 * Lets the event loop turn between SQLite statements once they have run for a few milliseconds straight.
 *
 * better-sqlite3 answers synchronously and Kysely wraps each answer in a promise that is already settled, so a chain
 * of statements (a batch's twenty observations, a dispatcher settling a burst of alerts) runs from one microtask to
 * the next and never gives the event loop back: no socket is read until the whole chain is done. During tenant A's
 * storm those chains ran back to back for 100–250 ms, and tenant B's notification or Graph answer sat unread behind
 * them (the noisy-neighbour bench, issue 19 item 6). After each statement, once `budgetMs` has passed since the
 * last turn, this waits for the next turn of the loop (setImmediate: I/O first, then on), so what is waiting is
 * read within a few milliseconds and a write for B queues at its fair place (write-turns.ts). PostgreSQL answers
 * over a socket and needs none of this.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

export class EventLoopTurns implements KyselyPlugin {
  private lastTurn = performance.now();

  constructor(private readonly budgetMs: number) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (performance.now() - this.lastTurn >= this.budgetMs) {
      await nextTurn();
      this.lastTurn = performance.now();
    }
    return args.result;
  }
}
