/**
 * Whose write transaction goes next on a SQLite database, fair across tenants (issue 19 item 6). SQLite has one
 * connection per process, so transactions take turns; Kysely's turns are first come, first served, and during
 * tenant A's storm each of A's Graph answers queued twenty observations at once: tenant B's one observation waited
 * behind them all (and behind the next batch's) for 40–80 ms, which the noisy-neighbour bench counted against B.
 * Here the waiting transactions are grouped by the tenant they write for, and the turns go round the groups: B's
 * observation is next after the one running. Writes with no tenant (queue leases, settles) are one group of their
 * own. Within a group, first come, first served.
 *
 * One turn at a time, so a transaction must not open another inside itself (it already could not: the connection
 * it would wait for is its own).
 */

export interface WriteTurns {
  run<T>(group: string, work: () => Promise<T>): Promise<T>;
}

export function createWriteTurns(): WriteTurns {
  // Waiting turns by group; a Map iterates in insertion order, and a group served goes to the back.
  const waiting = new Map<string, Array<() => void>>();
  let busy = false;

  const next = (): void => {
    const first = waiting.entries().next();
    if (first.done === true) {
      busy = false;
      return;
    }
    const [group, turns] = first.value;
    const turn = turns.shift()!;
    waiting.delete(group);
    if (turns.length > 0) waiting.set(group, turns);
    turn();
  };

  return {
    async run(group, work) {
      if (busy) {
        await new Promise<void>((resolve) => {
          const turns = waiting.get(group);
          if (turns === undefined) waiting.set(group, [resolve]);
          else turns.push(resolve);
        });
      } else {
        busy = true;
      }
      try {
        return await work();
      } finally {
        next();
      }
    },
  };
}
