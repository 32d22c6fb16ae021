/**
 * The Graph simulator in its own process, seeded with a synthetic tenant of `users` accounts (the first
 * `resourceAccounts` of them Teams Phone resource accounts holding the Resource Account license, the rest E5 users).
 * A separate process so that the benchmark's own process measures only ra-watch: the simulator's 300,000 users, its
 * request log and its notification deliveries cost memory and CPU that are not ra-watch's (peak RSS of the audit).
 *
 * The parent drives it over IPC: license changes (answered with the change time, the start of the end-to-end
 * latency), request counts, flushing deliveries, stopping.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { startGraphSimulator } from '../../src/graph/simulator/graph-simulator';
import {
  e5Sku,
  raSku,
  RA_SKU_ID,
  OFFICE_365_E5_SKU_ID,
  teamsPhoneStandardSku,
} from '../../src/graph/simulator/scenarios/scenario-skus';
import { person, resourceAccount } from '../../src/graph/simulator/scenarios/scenario-people';
import type { SeedUser, TenantSeed } from '../../src/graph/simulator/tenant-seed';

export const BENCH_TENANT_ID = 'b3e7c0de-5a1f-4c2e-9d7b-0a1b2c3d4e5f';

export interface SimulatorProcessOptions {
  users: number;
  resourceAccounts: number;
  /** Every Graph answer waits this long (the end-to-end bench: 50 ms). */
  responseLatencyMs: number;
  /** Users per delta page. */
  deltaPageSize: number;
  /** Delay before a change notification is posted. */
  notificationLatencyMs: number;
}

const parentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('unlicense'), id: z.number(), userId: z.string() }),
  z.object({ type: z.literal('requests'), id: z.number(), since: z.string() }),
  z.object({ type: z.literal('flush'), id: z.number() }),
  z.object({ type: z.literal('stop'), id: z.number() }),
]);
type ParentMessage = z.infer<typeof parentMessage>;
type Ask = ParentMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

const childMessage = z.union([
  z.object({ type: z.literal('ready'), url: z.string(), token: z.string(), seedSeconds: z.number() }),
  z.object({
    type: z.literal('answer'),
    id: z.number(),
    /** unlicense: the change time (ms since epoch); requests: counts. */
    at: z.number().optional(),
    http: z.number().optional(),
    viaBatch: z.number().optional(),
    /** requests: HTTP requests by method and path (ids as {id}, no query), most frequent first. */
    routes: z.array(z.tuple([z.string(), z.number()])).optional(),
    error: z.string().optional(),
  }),
]);
type ChildMessage = z.infer<typeof childMessage>;

/** Ids that pass Graph's GUID check and sort in creation order. */
export function benchUserId(n: number): string {
  return `${(n + 0x10000000).toString(16)}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function benchSeed(options: SimulatorProcessOptions): TenantSeed {
  const users: SeedUser[] = [];
  for (let n = 0; n < options.users; n++) {
    users.push(
      n < options.resourceAccounts
        ? resourceAccount(benchUserId(n), `ra${n}@bench.onmicrosoft.com`, `Queue ${n}`, 'call-queue', [
            RA_SKU_ID,
          ])
        : person(benchUserId(n), `user${n}@bench.onmicrosoft.com`, `User ${n}`, [OFFICE_365_E5_SKU_ID]),
    );
  }
  return {
    tenantId: BENCH_TENANT_ID,
    accountName: 'bench',
    skus: [raSku(options.resourceAccounts + 10), teamsPhoneStandardSku(100), e5Sku(options.users)],
    users,
  };
}

async function runChild(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorProcessOptions;
  const started = Date.now();
  const simulator = await startGraphSimulator({
    host: '127.0.0.1',
    responseLatencyMs: options.responseLatencyMs,
    deltaPageSize: options.deltaPageSize,
    auditLagMs: 500,
    notifications: { latencyMs: options.notificationLatencyMs },
    seeds: [benchSeed(options)],
  });
  const send = (message: ChildMessage) => process.send?.(message);
  send({
    type: 'ready',
    url: simulator.url,
    token: simulator.tokenFor(BENCH_TENANT_ID),
    seedSeconds: (Date.now() - started) / 1000,
  });
  process.on('message', (raw: unknown) => {
    const parsed = parentMessage.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    void (async () => {
      try {
        switch (message.type) {
          case 'unlicense': {
            const at = Date.now();
            simulator.assignLicense(BENCH_TENANT_ID, message.userId, { removeLicenses: [RA_SKU_ID] });
            return send({ type: 'answer', id: message.id, at });
          }
          case 'requests': {
            const since = Date.parse(message.since);
            const seen = simulator.requests().filter((r) => Date.parse(r.at) >= since);
            const viaBatch = seen.filter((r) => r.viaBatch).length;
            const routes = new Map<string, number>();
            for (const r of seen) {
              if (r.viaBatch) continue;
              const route = `${r.method} ${r.path.split('?')[0]!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}')}`;
              routes.set(route, (routes.get(route) ?? 0) + 1);
            }
            const top = [...routes.entries()].sort((a, b) => b[1] - a[1]);
            return send({
              type: 'answer',
              id: message.id,
              http: seen.length - viaBatch,
              viaBatch,
              routes: top,
            });
          }
          case 'flush':
            await simulator.flushNotifications();
            return send({ type: 'answer', id: message.id });
          case 'stop':
            await simulator.stop();
            send({ type: 'answer', id: message.id });
            return process.disconnect();
        }
      } catch (error) {
        send({ type: 'answer', id: message.id, error: String(error) });
      }
    })();
  });
}

export interface SimulatorProcess {
  url: string;
  token: string;
  tenantId: string;
  /** How long the child took to build and seed the tenant. */
  seedSeconds: number;
  /** Removes the user's Resource Account license; resolves with the change time (ms since epoch). */
  unlicense(userId: string): Promise<number>;
  /** Graph requests received since `since`: HTTP requests, and items carried inside `$batch` requests. */
  requestsSince(since: Date): Promise<{ http: number; viaBatch: number; routes: Array<[string, number]> }>;
  flushNotifications(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'simulator-process.js'), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
  let nextId = 1;
  const waiting = new Map<
    number,
    { resolve: (m: Extract<ChildMessage, { type: 'answer' }>) => void; reject: (e: Error) => void }
  >();
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`))),
  );
  exited.catch(() => {
    for (const w of waiting.values()) w.reject(new Error('simulator process exited'));
  });
  const ready = new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve) => {
    child.on('message', (raw: unknown) => {
      const parsed = childMessage.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'ready') return resolve(message);
      const w = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) w?.reject(new Error(message.error));
      else w?.resolve(message);
    });
  });
  const ask = (message: Ask) =>
    new Promise<Extract<ChildMessage, { type: 'answer' }>>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...message, id });
    });
  const hello = await Promise.race([ready, exited]);
  return {
    url: hello.url,
    token: hello.token,
    tenantId: BENCH_TENANT_ID,
    seedSeconds: hello.seedSeconds,
    unlicense: async (userId) => (await ask({ type: 'unlicense', userId })).at ?? Date.now(),
    requestsSince: async (since) => {
      const answer = await ask({ type: 'requests', since: since.toISOString() });
      return { http: answer.http ?? 0, viaBatch: answer.viaBatch ?? 0, routes: answer.routes ?? [] };
    },
    flushNotifications: async () => void (await ask({ type: 'flush' })),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      await ask({ type: 'stop' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill(), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

if (require.main === module) {
  runChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
