/**
 * Real processes for the replica suite and the replica bench: `node bin/ra-watch.js serve` on the built dist/ (the
 * command a container runs), and peers (the Graph simulator, the AMQP broker) as fixture processes of their own.
 * Each is started in a process group of its own, so `kill` ends it with any children it started. Fixtures always
 * run from their TypeScript sources (through test/support/ts-register.js), also when the bench runs this compiled.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository (the folder with package.json): also when this file runs compiled from dist/ (the bench). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const root = repositoryRoot();

export interface Started<T> {
  child: ChildProcess;
  info: T;
  /** The last 20,000 characters the process wrote to stderr. */
  stderr(): string;
  /** Sends the signal to the whole process group and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ (a clean clone has it from `npm ci`; a dev tree may not). */
export function ensureBuilt(): void {
  const main = join(root, 'dist', 'src', 'cli', 'main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(root, 'src'))) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', timeout: 300_000 });
}

function startProcess<T>(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (line: string) => T | undefined,
  what: string,
): Promise<Started<T>> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: killed with its children
  });
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    let found = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (found) return; // the rest of its output is not read (a replica logs every alert)
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const info = ready(line);
        if (info === undefined) continue;
        found = true;
        resolve({ child, info, stderr: () => stderr, kill });
        return;
      }
    });
    void exited.then(() => {
      if (!found) reject(new Error(`${what} exited before it was ready: ${stderr.slice(-4_000)}`));
    });
  });
}

/** A fixture of test/reliability/fixtures that prints "<prefix> <json>" once ready. */
export function startPeer<T>(fixture: string, args: string[] = []): Promise<Started<T>> {
  const prefix = fixture.replace(/\.ts$/, '');
  return startProcess<T>(
    [
      '-r',
      join(root, 'test/support/ts-register.js'),
      join(root, 'test/reliability/fixtures', fixture),
      ...args,
    ],
    {},
    (line) => (line.startsWith(`${prefix} `) ? (JSON.parse(line.slice(prefix.length + 1)) as T) : undefined),
    fixture,
  );
}

/**
 * `ra-watch serve` with this environment; ready once it logs "ra-watch started" (the line carries its url), so the
 * log level is always info.
 */
export function startServe(env: NodeJS.ProcessEnv): Promise<Started<{ url: string }>> {
  return startProcess(
    [join(root, 'bin', 'ra-watch.js'), 'serve'],
    { PORT: '0', HOST: '127.0.0.1', ...env, LOG_LEVEL: 'info' },
    (line) => {
      if (!line.includes('ra-watch started')) return undefined;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(line)?.[1];
      return url === undefined ? undefined : { url };
    },
    'ra-watch serve',
  );
}
