/**
 * The Graph simulator with many customer tenants (many-tenant-seeds.ts) in its own process, so that the tenants
 * bench's RSS is ra-watch's alone (the simulator's tenants and its request log are not ra-watch's memory) and the
 * neighbour bench's latency is ra-watch's alone (in the bench's process the simulator's share of a 20,000-user
 * storm, applied and notified, was counted against ra-watch; Graph is remote in production). The parent drives it
 * over IPC (as simulator-process.ts does for the one-tenant benches): Resource Account licenses removed (answered
 * with when each was applied), the recorded requests since a moment, flushing notification deliveries, stopping.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { startGraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { benchTenantId, manyTenantSeed, RA_SKU_ID } from './many-tenant-seeds';

const optionsSchema = z.object({
  tenants: z.number().int().positive(),
  users: z.number().int().positive(),
  resourceAccounts: z.number().int().nonnegative(),
  /** Tenant t's own size, in place of `users` and `resourceAccounts` (the neighbour bench's A and B). */
  sizes: z
    .array(z.object({ users: z.number().int().positive(), resourceAccounts: z.number().int().nonnegative() }))
    .optional(),
  responseLatencyMs: z.number().nonnegative(),
  /** Users per delta page (the simulator's default when absent). */
  deltaPageSize: z.number().int().positive().optional(),
});
export type TenantsSimulatorOptions = z.infer<typeof optionsSchema>;

const parentMessage = z.object({
  type: z.enum(['unlicense', 'requests', 'flush', 'stop']),
  id: z.number(),
  since: z.number().optional(),
  /** unlicense: bench tenant t and the users whose Resource Account license to remove, in order. */
  tenant: z.number().int().nonnegative().optional(),
  userIds: z.array(z.string()).optional(),
});
type Ask = Omit<z.infer<typeof parentMessage>, 'id'>;
/** A request as the bench counts it: who, when, which route (ids as {id}, no query). */
const seenRequest = z.object({ tenantId: z.string().nullable(), at: z.string(), route: z.string() });
export type SeenRequest = z.infer<typeof seenRequest>;
const childMessage = z.union([
  z.object({ type: z.literal('ready'), url: z.string(), tokens: z.record(z.string(), z.string()) }),
  z.object({
    type: z.literal('answer'),
    id: z.number(),
    requests: z.array(seenRequest).optional(),
    /** unlicense: when each change was applied (ms since epoch), the start of its latency. */
    at: z.array(z.number()).optional(),
  }),
]);
type ChildMessage = z.infer<typeof childMessage>;

async function runChild(): Promise<void> {
  const options = optionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const simulator = await startGraphSimulator({
    host: '127.0.0.1',
    responseLatencyMs: options.responseLatencyMs,
    ...(options.deltaPageSize === undefined ? {} : { deltaPageSize: options.deltaPageSize }),
    notifications: { latencyMs: 0 },
    seeds: Array.from({ length: options.tenants }, (_, t) => {
      const size = options.sizes?.[t] ?? options;
      return manyTenantSeed(t, size.users, size.resourceAccounts);
    }),
  });
  const send = (message: ChildMessage) => process.send?.(message);
  const ids = Array.from({ length: options.tenants }, (_, t) => benchTenantId(t));
  send({
    type: 'ready',
    url: simulator.url,
    tokens: Object.fromEntries(ids.map((id) => [id, simulator.tokenFor(id)])),
  });
  process.on('message', (raw: unknown) => {
    const parsed = parentMessage.safeParse(raw);
    if (!parsed.success) return;
    const { type, id, since = 0, tenant = 0, userIds = [] } = parsed.data;
    void (async () => {
      if (type === 'unlicense') {
        const at = userIds.map((userId) => {
          const applied = Date.now();
          simulator.assignLicense(benchTenantId(tenant), userId, { removeLicenses: [RA_SKU_ID] });
          return applied;
        });
        send({ type: 'answer', id, at });
        return;
      }
      if (type === 'requests') {
        const requests = simulator
          .requests()
          .filter((r) => !r.viaBatch && Date.parse(r.at) >= since)
          .map((r) => ({
            tenantId: r.tenantId,
            at: r.at,
            route: `${r.method} ${r.path.split('?')[0]!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}')}`,
          }));
        send({ type: 'answer', id, requests });
        return;
      }
      if (type === 'flush') {
        await simulator.flushNotifications();
        send({ type: 'answer', id });
        return;
      }
      await simulator.stop();
      send({ type: 'answer', id });
      process.disconnect();
    })();
  });
}

export interface TenantsSimulatorProcess {
  url: string;
  pid: number;
  tokenFor(tenantId: string): string;
  /** Removes the Resource Account license of each user of bench tenant `t`, in order; when each was applied (ms). */
  unlicense(t: number, userIds: readonly string[]): Promise<number[]>;
  /** Requests received (not counting items inside `$batch`) since `since` (ms since epoch). */
  requestsSince(since: number): Promise<SeenRequest[]>;
  flushNotifications(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTenantsSimulatorProcess(
  options: TenantsSimulatorOptions,
): Promise<TenantsSimulatorProcess> {
  const child = fork(path.join(__dirname, 'tenants-simulator-process.js'), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, (m: Extract<ChildMessage, { type: 'answer' }>) => void>();
  const ready = new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`)));
    child.on('message', (raw: unknown) => {
      const parsed = childMessage.safeParse(raw);
      if (!parsed.success) return;
      if (parsed.data.type === 'ready') return resolve(parsed.data);
      waiting.get(parsed.data.id)?.(parsed.data);
      waiting.delete(parsed.data.id);
    });
  });
  const ask = (message: Ask) =>
    new Promise<Extract<ChildMessage, { type: 'answer' }>>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ ...message, id });
    });
  const hello = await ready;
  return {
    url: hello.url,
    pid: child.pid ?? -1,
    tokenFor: (tenantId) => hello.tokens[tenantId] ?? 'no-token-for-this-tenant',
    unlicense: async (tenant, userIds) =>
      (await ask({ type: 'unlicense', tenant, userIds: [...userIds] })).at ?? [],
    requestsSince: async (since) => (await ask({ type: 'requests', since })).requests ?? [],
    flushNotifications: async () => void (await ask({ type: 'flush' })),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      const timer = setTimeout(() => child.kill(), 5000);
      await Promise.race([ask({ type: 'stop' }), gone]);
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
