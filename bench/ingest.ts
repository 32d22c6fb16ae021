/**
 * Ingest benchmark (issue 4, "Performance"): Graph's notification endpoint with durable enqueue against a bare
 * node:http server answering 202, same load generator and settings, same run.
 *
 *   npm run bench:ingest        (builds, then node dist/bench/ingest.js [--duration 10] [--burst 50000] [--rounds 1])
 *
 * Load: autocannon, 64 connections, one Graph-shaped users notification per POST, a unique user id per request
 * (nothing coalesces: every 202 must be one stored message). Each server gets a 2 s warm-up, then `--duration` s.
 * Then a burst of `--burst` notifications (one per POST, same 64 connections) against the real server, counting
 * answers slower than 2,900 ms (Graph counts those as slow; at 15 % slow it drops notifications for good).
 * Finally the queue is counted: it must hold at least every acknowledged notification.
 * A third server, the same ingest in front of a queue that keeps nothing, shows the HTTP side's own share; last, the
 * queue's send alone (no HTTP, batches of the size group commit formed) shows the durable write's own ceiling.
 * Goals: real/bare ≥ 0.5, real p99 < 25 ms, 0 slow answers in the burst, nothing acknowledged missing.
 *
 * Measured 2026-11-27 09:30-10:20 (2 cores shared with other sessions' test runs, load average 10-17; bare
 * node:http itself swung between 1,500 and 13,000 req/s from one 10 s run to the next, so every ratio below is
 * mostly noise): before the send thread, --rounds 3 twice: real/bare 0.14 and 0.17, p99 175 and 151 ms, 0 answers
 * over 2,900 ms in the burst (max 1,435 ms), durability ok, ~33 messages per commit. With sends committed on a
 * worker thread and the group-commit linger, --rounds 3 twice: 0.27 and 0.27, p99 248 and 252 ms (those two runs
 * had the heaviest load: bare 1,500-2,800 req/s in most rounds), 0 slow answers (max 406 ms), durability ok, ~47
 * messages per commit. Interleaved 5 s runs of the three builds in one process tree (fairer than separate runs):
 * before 1,345 / 937 req/s, thread + linger 1,512 / 1,024, thread alone 1,566 / 940. Where the time goes now: the
 * commit's fsync under this load (3 ms median, 10 ms p90, 100 ms max for a bare 4 KB write+fsync) and CPU starvation;
 * the 64 clients can share at most one commit at a time, so throughput is at most 64 per commit duration.
 * On an idle machine (12:5x, load ~1.5), two interleaved A/B pairs of 8 s runs: with the linger 5,662 / 5,258 req/s,
 * p99 26 / 27 ms, 37-40 messages per commit; without it 5,693 / 5,416 req/s, p99 24 / 23 ms, 32 per commit. The
 * linger bought bigger commits and nothing else, so group commit no longer lingers.
 *
 * 2026-11-27 14:10-14:40, another idle 2-core machine (bare 18-21k req/s): real/bare 0.40-0.42, p99 13-15 ms, send
 * alone 0.57-0.64 x bare. Where the time went: CPU, not the disk or the thread's serial chain. Each index whose key
 * is random (message_id, ordering_key: GUIDs) costs an insert a page write of its own, ~11 us each even on a small
 * table, out of ~60 us per queued message at 100k rows. Tried and dropped first: an append-only inbox (one row per
 * group commit, no index) as the 202's durable write, sorted into queue_messages just after on the send thread.
 * The append is cheap (0.2 ms per 31-message commit against 1.5 ms indexed), but ingest stayed at 0.37-0.40: the
 * sorting costs the same CPU whenever it runs, and on two cores it is taken from the HTTP side and the load
 * generator (with sorting switched off, 0.66: nothing sorted, so no design). What worked: less index work per
 * message. Migration 003 drops the message_id index (duplicates are looked up per ordering key on the key index the
 * coalescing lookup already reads; one read answers both on the send thread) and makes the lease-token index
 * partial (a waiting row has no token). Then, --rounds 3 twice: 0.51 and 0.53 (10.1-11.1k vs 20.4-20.6k req/s),
 * p99 10 ms, 50,000-burst 0 slow (max 18-19 ms), durability ok, send alone 0.75 x bare (1.9 ms per commit of 30).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { notificationBodyTemplate } from './support/bench-notification';
import type { ChildMessage, ParentMessage } from './support/ingest-bench-servers';
import { runLoad, type LoadResult } from './support/load';

const CONNECTIONS = 64;

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as Extract<ChildMessage, { type: T }>);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bench server process exited (${code})`)));
  });
}

/** The run with the median throughput (its own p99 and counts, not a mix of runs). */
function median(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function line(label: string, r: LoadResult): string {
  return (
    `${label.padEnd(44)} ${Math.round(r.requestsPerSecond).toString().padStart(8)} req/s` +
    `  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(3)} ms  max ${String(r.max).padStart(5)} ms` +
    `  202: ${r.accepted202}  other: ${r.other}  errors: ${r.errors}`
  );
}

async function main(): Promise<void> {
  const duration = argValue('--duration', 10);
  const burst = argValue('--burst', 50_000);
  const rounds = Math.max(1, argValue('--rounds', 1));
  const child = fork(path.join(__dirname, 'support', 'ingest-bench-servers.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (message: ParentMessage): void => void child.send(message);
  try {
    const ready = await nextMessage(child, 'ready');
    const bareUrl = `http://127.0.0.1:${ready.barePort}/notifications`;
    const realUrl = `http://127.0.0.1:${ready.realPort}/notifications`;
    const load = { connections: CONNECTIONS, body: notificationBodyTemplate };

    console.log(
      `ingest benchmark: ${os.cpus().length} CPUs, Node ${process.version}, ${CONNECTIONS} connections, ${duration} s per server, load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log('warming up (2 s each)...');
    await runLoad({ ...load, url: bareUrl, duration: 2 });
    const warmReal = await runLoad({ ...load, url: realUrl, duration: 2 });

    // Rounds alternate the servers, so a noisy neighbour on a shared machine weighs on all of them alike; the
    // figures below are each server's median round.
    const bareRuns: LoadResult[] = [];
    const realRuns: LoadResult[] = [];
    const handlerOnlyRuns: LoadResult[] = [];
    const handlerOnlyUrl = `http://127.0.0.1:${ready.handlerOnlyPort}/notifications`;
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) console.log(`round ${round} of ${rounds}`);
      bareRuns.push(await runLoad({ ...load, url: bareUrl, duration }));
      console.log(line('bare node:http, read body, 202', bareRuns.at(-1)!));
      realRuns.push(await runLoad({ ...load, url: realUrl, duration }));
      console.log(line('ra-watch (ingest + embedded queue, SQLite FULL)', realRuns.at(-1)!));
      handlerOnlyRuns.push(await runLoad({ ...load, url: handlerOnlyUrl, duration }));
      console.log(line('ingest handler only (queue keeps nothing)', handlerOnlyRuns.at(-1)!));
    }
    const bare = median(bareRuns);
    const real = median(realRuns);
    const handlerOnly = median(handlerOnlyRuns);
    const ratio = real.requestsPerSecond / bare.requestsPerSecond;

    console.log(`burst: ${burst} notifications, one per POST, ${CONNECTIONS} connections...`);
    const spike = await runLoad({ ...load, url: realUrl, amount: burst });
    console.log(line(`burst of ${burst}`, spike) + `  (${spike.seconds.toFixed(1)} s)`);

    ask({ type: 'verify' });
    const verified = await nextMessage(child, 'verified');
    const batchSize = Math.max(
      1,
      Math.round(verified.ingest.accepted / Math.max(1, verified.ingest.commits)),
    );
    ask({ type: 'send-alone', seconds: duration, batchSize });
    const alone = await nextMessage(child, 'sent-alone');
    const aloneRate = alone.messages / alone.seconds;
    console.log(
      `${'queue send alone (no HTTP), SQLite FULL'.padEnd(44)} ${Math.round(aloneRate).toString().padStart(8)} msg/s` +
        `  ${alone.commits} commits of ${batchSize} in ${alone.seconds.toFixed(1)} s, one at a time (${((alone.seconds * 1000) / Math.max(1, alone.commits)).toFixed(2)} ms per commit)`,
    );
    console.log(
      `load average at the end: ${os.loadavg()[0]!.toFixed(1)} (other work on the machine skews every figure)`,
    );
    const acknowledged =
      warmReal.accepted202 + realRuns.reduce((sum, r) => sum + r.accepted202, 0) + spike.accepted202;

    console.log('');
    console.log(
      `ratio real/bare             ${ratio.toFixed(2)}   (goal ≥ 0.5)  ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `ratio handler-only/bare     ${(handlerOnly.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}   (the HTTP side alone; the rest is the queue's send)`,
    );
    console.log(
      `ratio real/send-alone       ${(real.requestsPerSecond / aloneRate).toFixed(2)}   (the durable write's own ceiling here: ${Math.round(aloneRate)} msg/s = ${(aloneRate / bare.requestsPerSecond).toFixed(2)} × bare)`,
    );
    console.log(
      `p99 real                    ${real.p99} ms   (goal < 25 ms)  ${real.p99 < 25 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `answers > 2,900 ms in burst ${spike.slowOver2900ms}   (goal 0)  ${spike.slowOver2900ms === 0 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `durability                  ${acknowledged} acknowledged (202), ${verified.stored} stored in the queue` +
        ` (journal_mode=${verified.journalMode}, synchronous=${verified.synchronous}) ${verified.stored >= acknowledged ? 'ok: none missing' : 'MISSING MESSAGES'}`,
    );
    console.log(
      `group commit                ${verified.ingest.commits} commits for ${verified.ingest.accepted} messages` +
        ` (${(verified.ingest.accepted / Math.max(1, verified.ingest.commits)).toFixed(1)} per commit), ${verified.ingest.failedCommits} failed,` +
        ` ${verified.ingest.coalesced} coalesced, ${verified.ingest.duplicates} duplicates`,
    );
    if (verified.stored < acknowledged) process.exitCode = 1;
  } finally {
    ask({ type: 'stop' });
    await new Promise((resolve) => {
      if (child.exitCode !== null) resolve(undefined);
      else child.once('exit', resolve);
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
