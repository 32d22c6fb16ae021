/**
 * Starts the service fixture (fixtures/service-process.ts) as a child process running the TypeScript sources, and
 * resolves with its URL once it listens. `rssBytes` reads the child's resident memory from /proc (Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** What the process wrote to stderr (its warnings and errors). */
  stderr(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function startServiceProcess(env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(root, 'test/support/ts-register.js'),
      join(__dirname, '..', 'fixtures', 'service-process.ts'),
    ],
    {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url !== undefined)
        resolve({
          child,
          url,
          stderr: () => stderr,
          exited,
          kill: async (signal) => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
    });
    void exited.then((code) =>
      reject(new Error(`the service process exited (${code}) before it listened: ${stderr}`)),
    );
  });
}

export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}
