/**
 * The Graph simulator with many customer tenants (many-tenant-seeds.ts) in its own process, so that the tenants
 * bench's RSS is ra-watch's alone: the simulator's tenants and its request log are not ra-watch's memory. The
 * parent drives it over IPC (as simulator-process.ts does for the one-tenant benches): the recorded requests since
 * a moment, flushing notification deliveries, stopping.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { startGraphSimulator } from '../../src/graph/simulator/graph-simulator';
import { benchTenantId, manyTenantSeed } from './many-tenant-seeds';

const optionsSchema = z.object({
  tenants: z.number().int().positive(),
  users: z.number().int().positive(),
  resourceAccounts: z.number().int().nonnegative(),
  responseLatencyMs: z.number().nonnegative(),
});
export type TenantsSimulatorOptions = z.infer<typeof optionsSchema>;

const parentMessage = z.object({
  type: z.enum(['requests', 'flush', 'stop']),
  id: z.number(),
  since: z.number().optional(),
});
/** A request as the bench counts it: who, when, which route (ids as {id}, no query). */
const seenRequest = z.object({ tenantId: z.string().nullable(), at: z.string(), route: z.string() });
export type SeenRequest = z.infer<typeof seenRequest>;
const childMessage = z.union([
  z.object({ type: z.literal('ready'), url: z.string(), tokens: z.record(z.string(), z.string()) }),
  z.object({ type: z.literal('answer'), id: z.number(), requests: z.array(seenRequest).optional() }),
]);
type ChildMessage = z.infer<typeof childMessage>;

async function runChild(): Promise<void> {
  const options = optionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const simulator = await startGraphSimulator({
    host: '127.0.0.1',
    responseLatencyMs: options.responseLatencyMs,
    notifications: { latencyMs: 0 },
    seeds: Array.from({ length: options.tenants }, (_, t) =>
      manyTenantSeed(t, options.users, options.resourceAccounts),
    ),
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
    const { type, id, since = 0 } = parsed.data;
    void (async () => {
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
  const ask = (type: 'requests' | 'flush' | 'stop', since?: number) =>
    new Promise<Extract<ChildMessage, { type: 'answer' }>>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ type, id, since });
    });
  const hello = await ready;
  return {
    url: hello.url,
    pid: child.pid ?? -1,
    tokenFor: (tenantId) => hello.tokens[tenantId] ?? 'no-token-for-this-tenant',
    requestsSince: async (since) => (await ask('requests', since)).requests ?? [],
    flushNotifications: async () => void (await ask('flush')),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      const timer = setTimeout(() => child.kill(), 5000);
      await Promise.race([ask('stop'), gone]);
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
