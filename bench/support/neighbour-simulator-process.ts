/**
 * The neighbour bench's Graph simulator in a process of its own, as Graph is remote from ra-watch in production:
 * in the bench's own process, the simulator's work for tenant A's storm (20,000 changes applied, their
 * notifications built and POSTed, A's reads answered) took the CPU ra-watch's ingest and worker needed, and B's
 * first notification reached ingest seconds late for a reason that is not ra-watch's. The bench drives it over the
 * IPC channel `fork` opens: the seeds to start with, license changes to apply (answered with the time each was
 * applied, the start of its latency), tenants' tokens. `stop()` ends the process (it has no children).
 *
 * This file is both sides: imported, `startSimulatorProcess` forks it; run as the child, it serves.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startGraphSimulator, type GraphSimulator } from '../../src/graph/simulator';
import { silentLogger } from '../../src/logger';
import { benchTenantId, manyTenantSeed, RA_SKU_ID } from './many-tenant-seeds';

export interface SimulatorProcessOptions {
  responseLatencyMs: number;
  deltaPageSize: number;
  /** [users, resource accounts] per bench tenant, tenant n at index n. */
  tenants: Array<[number, number]>;
}

export interface SimulatorProcess {
  url: string;
  tokenFor(tenantId: string): Promise<string>;
  /** Removes the Resource Account license of each user of bench tenant `t`, in order; when each was applied (ms). */
  removeRaLicense(t: number, userIds: readonly string[]): Promise<number[]>;
  stop(): Promise<void>;
}

type Asked = { op: 'token'; tenantId: string } | { op: 'remove-ra'; t: number; userIds: string[] };
type Request = Asked & { id: number };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
type Hello = { ready: string } | { failed: string };

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const child = fork(__filename, [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (hello: Hello) =>
      'ready' in hello ? resolve(hello.ready) : reject(new Error(`simulator process: ${hello.failed}`)),
    );
    void exited.then(() => reject(new Error('simulator process exited before it was ready')));
  });
  return { url, ...client(child), stop: () => stopChild(child, exited) };
}

function client(child: ChildProcess): Omit<SimulatorProcess, 'url' | 'stop'> {
  let nextId = 1;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (reply: Reply) => {
    const waiter = waiting.get(reply.id);
    if (waiter === undefined) return;
    waiting.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new Error(reply.error));
  });
  child.once('exit', () => {
    for (const waiter of waiting.values()) waiter.reject(new Error('simulator process exited'));
    waiting.clear();
  });
  const ask = (request: Asked): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...request, id });
    });
  const tokens = new Map<string, Promise<string>>();
  return {
    tokenFor(tenantId) {
      let token = tokens.get(tenantId);
      if (token === undefined) {
        token = ask({ op: 'token', tenantId }).then(String);
        tokens.set(tenantId, token);
      }
      return token;
    },
    async removeRaLicense(t, userIds) {
      return (await ask({ op: 'remove-ra', t, userIds: [...userIds] })) as number[];
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function serve(options: SimulatorProcessOptions): Promise<void> {
  const sim: GraphSimulator = await startGraphSimulator({
    host: '127.0.0.1',
    responseLatencyMs: options.responseLatencyMs,
    deltaPageSize: options.deltaPageSize,
    notifications: { latencyMs: 0 },
    logger: silentLogger(),
    seeds: options.tenants.map(([users, ras], t) => manyTenantSeed(t, users, ras)),
  });
  const send = (message: Reply | Hello) => process.send?.(message);
  process.on('message', (request: Request) => {
    try {
      if (request.op === 'token') {
        send({ id: request.id, ok: true, value: sim.tokenFor(request.tenantId) });
        return;
      }
      const tenantId = benchTenantId(request.t);
      const at = request.userIds.map((userId) => {
        const applied = Date.now();
        sim.assignLicense(tenantId, userId, { removeLicenses: [RA_SKU_ID] });
        return applied;
      });
      send({ id: request.id, ok: true, value: at });
    } catch (error) {
      send({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.once('SIGTERM', () => void sim.stop().finally(() => process.exit(0)));
  // The bench went away without stopping us: do not outlive it.
  process.once('disconnect', () => void sim.stop().finally(() => process.exit(0)));
  send({ ready: sim.url });
}

if (require.main === module) {
  const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorProcessOptions;
  serve(options).catch((error: unknown) => {
    process.send?.({ failed: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
}
