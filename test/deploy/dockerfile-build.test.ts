/**
 * No Docker engine runs here, so the Dockerfile is verified by doing what it says outside a container: each stage
 * gets a fresh temporary directory for its WORKDIR, `COPY` takes only the listed paths from the repository (minus
 * .dockerignore) or from an earlier stage's directory, `ENV` becomes the environment of later steps and `RUN` runs
 * through `sh -c`. The steps are read from the Dockerfile itself, so a change there is exercised here: a source the
 * build needs but no `COPY` brings makes `npm ci` fail, a wrong `CMD` never passes the `HEALTHCHECK`.
 *
 * What cannot be reproduced is adapted, and said so where it happens: system packages (apt-get) are checked to be
 * present instead of installed, `--chown` and `chown` are dropped (there is no `node` user here) and paths under a
 * stage's WORKDIR map to its temporary directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, posix, relative } from 'node:path';
import { z } from 'zod';
import {
  envPairs,
  options,
  readDockerfile,
  readDockerignore,
  repositoryRoot,
  type Stage,
} from './dockerfile-parser';

const stages = readDockerfile();
const dockerignore = readDockerignore();

/** One stage's file system: its WORKDIR (as the Dockerfile names it) mapped onto a temporary directory. */
interface StageFs {
  name: string | null;
  workdir: string | null;
  dir: string | null;
  /** ENV as written: values naming WORKDIR paths are mapped when they are used, since ENV may precede WORKDIR. */
  env: [string, string][];
  /** ENTRYPOINT in exec form, prepended to CMD when the container starts (empty: CMD alone). */
  entrypoint: string[];
  cmd: string[] | null;
  healthcheck: { argv: string[]; timeoutMs: number } | null;
  stopSignal: NodeJS.Signals;
  /** Packages the stage installs from the distribution, checked to be present here instead. */
  systemPackages: string[];
}

const temporaryDirs: string[] = [];
const children = new Set<ChildProcess>();

/**
 * The environment a step inherits from this machine: its own, minus what jest and npm put there. `npm test`/`npx`
 * export npm_config_* and npm_lifecycle_* that would steer the inner `npm ci`, and jest sets NODE_ENV=test, which
 * the image does not have. The rest stays: PATH (python3 from pyenv) and the CA settings the registry needs here.
 */
function machineEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_/i.test(key) || key === 'NODE_ENV' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}

/** A path as the stage sees it (absolute under WORKDIR, or relative to it) → the temporary directory's path. */
function hostPath(stage: StageFs, path: string): string {
  if (stage.workdir === null || stage.dir === null)
    throw new Error(`stage ${stage.name ?? '?'}: ${path} used before WORKDIR`);
  if (!posix.isAbsolute(path)) return join(stage.dir, path);
  const inside = posix.relative(stage.workdir, path);
  if (inside.startsWith('..') || posix.isAbsolute(inside)) {
    throw new Error(
      `stage ${stage.name ?? '?'}: ${path} is outside WORKDIR ${stage.workdir}; this test only maps the WORKDIR`,
    );
  }
  return join(stage.dir, inside);
}

/** WORKDIR paths inside a command or an ENV value (`/app/data`, `sqlite:/app/data/x.db`) → the temporary directory. */
function mapWorkdirPaths(stage: StageFs, text: string): string {
  if (stage.workdir === null || stage.dir === null) return text;
  const escaped = stage.workdir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(^|[\\s:=])${escaped}(?=/|\\s|$)`, 'g'), `$1${stage.dir}`);
}

/**
 * The stage's ENV for a step. npm_config_nodedir=/usr/local is where the node image keeps Node's headers (node-gyp
 * compiles better-sqlite3 against them instead of downloading them); here node is a distribution package
 * (/usr/bin/node, headers in /usr/include/node), so the same setting means the prefix above this node's bin/.
 */
function stageEnv(stage: StageFs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of stage.env) {
    env[key] =
      key.toLowerCase() === 'npm_config_nodedir'
        ? dirname(dirname(process.execPath))
        : mapWorkdirPaths(stage, value);
  }
  return env;
}

/** Docker's .dockerignore matching: a pattern excludes a path it matches or any path under a directory it matches. */
function ignored(path: string): boolean {
  const parts = path.split('/');
  let result = false;
  for (const raw of dockerignore) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+/, '').replace(/\/+$/, '');
    const source = pattern
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((part) => {
        if (part === '**/') return '(?:.*/)?';
        if (part === '**') return '.*';
        if (part === '*') return '[^/]*';
        if (part === '?') return '[^/]';
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    const regex = new RegExp(`^${source}$`);
    if (parts.some((_, i) => regex.test(parts.slice(0, i + 1).join('/')))) result = !negate;
  }
  return result;
}

function copy(stage: StageFs, args: string, built: Map<string, StageFs>): void {
  const { flags, rest } = options(args);
  // --chown names the image's `node` user, which this machine has not; the files belong to whoever runs the test.
  const unknown = Object.keys(flags).filter((flag) => flag !== 'from' && flag !== 'chown');
  if (unknown.length > 0)
    throw new Error(`COPY ${args}: flags ${unknown.join(', ')} are not understood here`);
  const from = flags.from;
  const sources = rest.slice(0, -1);
  const dest = rest[rest.length - 1];
  if (dest === undefined || sources.length === 0)
    throw new Error(`COPY ${args}: needs a source and a destination`);
  const origin = from === undefined ? null : built.get(from);
  if (origin === undefined) throw new Error(`COPY ${args}: no earlier stage named ${from ?? ''}`);
  const target = hostPath(stage, dest);
  const intoDir = dest.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    if (/[*?[]/.test(source)) throw new Error(`COPY ${args}: wildcards are not understood here`);
    let path: string;
    if (origin === null) {
      const inContext = posix.normalize(source).replace(/^\.\/|\/$/g, '');
      if (ignored(inContext)) throw new Error(`COPY ${args}: ${source} is excluded by .dockerignore`);
      path = join(repositoryRoot, inContext);
    } else {
      path = hostPath(origin, source);
    }
    if (!existsSync(path))
      throw new Error(
        `COPY ${args}: ${source} does not exist${origin === null ? ' in the repository' : ` in stage ${from ?? ''}`}`,
      );
    const isDir = statSync(path).isDirectory();
    // A directory's contents go to the destination; a file goes into it when it is a directory (trailing / or many).
    const to = !isDir && intoDir ? join(target, basename(path)) : target;
    cpSync(path, to, {
      recursive: true,
      // Symlinks stay as they are (node_modules/.bin), as COPY keeps them.
      verbatimSymlinks: true,
      filter: (from) => origin !== null || !ignored(relative(repositoryRoot, from).split(/[\\/]/).join('/')),
    });
  }
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a process in its own process group (npm starts make and g++ under it), keeping the tail of its output. */
function start(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<Outcome> } {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('empty command');
  const child = spawn(program, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<Outcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, output });
    });
  });
  return { child, done };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** RUN: system packages are checked, not installed; `chown` is dropped; the rest runs through sh -c in WORKDIR. */
async function runStep(stage: StageFs, args: string): Promise<void> {
  if (/\bapt-get\b/.test(args)) {
    // The image installs these with apt-get; this machine cannot (and need not) install system packages from a
    // test, so the build relies on them being here already: name them if they are not.
    const install = /apt-get\s+install\s+([^&;|]*)/.exec(args);
    const packages = (install?.[1] ?? '').split(/\s+/).filter((w) => w !== '' && !w.startsWith('-'));
    const missing = packages.filter(
      (name) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { env: machineEnv() }).status !== 0,
    );
    if (missing.length > 0)
      throw new Error(`RUN ${args}: ${missing.join(', ')} not found on this machine's PATH`);
    stage.systemPackages.push(...packages);
    return;
  }
  const command = mapWorkdirPaths(
    stage,
    args
      .split(/\s*&&\s*/)
      // chown to the image's `node` user: there is none here.
      .filter((part) => !/^chown\b/.test(part))
      .join(' && '),
  );
  const outside = command
    .split(/\s+/)
    .find((word) => word.startsWith('/') && !word.startsWith(stage.dir ?? '//'));
  if (outside !== undefined)
    throw new Error(
      `RUN ${args}: ${outside} is outside WORKDIR, which this test would not touch on the host`,
    );
  const { done } = start(['sh', '-c', command], stage.dir ?? '.', { ...machineEnv(), ...stageEnv(stage) });
  const result = await done;
  if (result.code !== 0)
    throw new Error(`RUN ${args} exited ${String(result.code ?? result.signal)}:\n${result.output}`);
}

const durationSeconds = (text: string | undefined, fallback: number): number => {
  const match = /^(\d+)s$/.exec(text ?? '');
  return match === null ? fallback : Number(match[1]) * 1000;
};

async function buildStage(stage: Stage, built: Map<string, StageFs>): Promise<StageFs> {
  const fs: StageFs = {
    name: stage.name,
    workdir: null,
    dir: null,
    env: [],
    entrypoint: [],
    cmd: null,
    healthcheck: null,
    stopSignal: 'SIGTERM',
    systemPackages: [],
  };
  for (const { keyword, args } of stage.instructions) {
    switch (keyword) {
      case 'WORKDIR':
        if (fs.workdir !== null && fs.workdir !== args)
          throw new Error(`WORKDIR ${args}: only one WORKDIR per stage is mapped`);
        if (fs.dir === null) {
          fs.dir = mkdtempSync(join(tmpdir(), `ra-watch-docker-${stage.name ?? 'stage'}-`));
          temporaryDirs.push(fs.dir);
        }
        fs.workdir = args;
        break;
      case 'ENV':
        fs.env.push(...envPairs(args));
        break;
      case 'COPY':
        copy(fs, args, built);
        break;
      case 'RUN':
        await runStep(fs, args);
        break;
      case 'ENTRYPOINT':
        fs.entrypoint = z.array(z.string()).min(1).parse(JSON.parse(args));
        break;
      case 'CMD':
        fs.cmd = z.array(z.string()).min(1).parse(JSON.parse(args));
        break;
      case 'HEALTHCHECK': {
        const match = /^((?:--\S+\s+)*)CMD\s+(\[.*\])$/.exec(args);
        if (match === null)
          throw new Error(`HEALTHCHECK ${args}: only the exec form (CMD [...]) is run here`);
        fs.healthcheck = {
          argv: z.array(z.string()).min(1).parse(JSON.parse(match[2]!)),
          timeoutMs: durationSeconds(options(match[1]!).flags.timeout, 30000),
        };
        break;
      }
      case 'STOPSIGNAL':
        fs.stopSignal = z
          .custom<NodeJS.Signals>((v) => typeof v === 'string' && /^SIG[A-Z0-9]+$/.test(v))
          .parse(args);
        break;
      // Image metadata with nothing to do outside a container; USER is covered by dockerfile.test.ts.
      case 'USER':
      case 'VOLUME':
      case 'EXPOSE':
        break;
      default:
        throw new Error(
          `${keyword} ${args}: this test does not know how to apply it; teach it before using it`,
        );
    }
  }
  if (stage.name !== null) built.set(stage.name, fs);
  return fs;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

let build: StageFs;
let runStage: StageFs;

beforeAll(
  async () => {
    const built = new Map<string, StageFs>();
    const done: StageFs[] = [];
    for (const stage of stages) done.push(await buildStage(stage, built));
    build = done[0]!;
    runStage = done[done.length - 1]!;
    // npm ci compiles better-sqlite3 from source (a minute or more on two cores) and tsc compiles src/ and bench/.
  },
  15 * 60 * 1000,
);

afterAll(() => {
  for (const child of children) killGroup(child);
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

describe('Dockerfile, built and run outside a container', () => {
  it('finds the system packages the build stage installs (python3, make, g++) on this machine', () => {
    expect(build.systemPackages).toEqual(expect.arrayContaining(['python3', 'make', 'g++']));
  });

  it('finds the init the run stage installs (tini) on this machine, and starts the CMD under it', () => {
    expect(runStage.systemPackages).toContain('tini');
    expect(runStage.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(existsSync(runStage.entrypoint[0]!)).toBe(true);
  });

  it('builds from only the files it copies: compiled CLI and a natively built better-sqlite3', () => {
    const dir = build.dir!;
    expect(existsSync(join(dir, 'dist/src/cli/main.js'))).toBe(true);
    // allowScripts in the copied package.json let better-sqlite3's install script compile it from source.
    expect(existsSync(join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    // node-gyp's Makefile: compiled here as npm_config_build_from_source asks, not a prebuilt binary downloaded.
    expect(existsSync(join(dir, 'node_modules/better-sqlite3/build/Makefile'))).toBe(true);
    // Nothing the Dockerfile does not copy leaked in (test/ is neither copied nor in the context).
    expect(existsSync(join(dir, 'test'))).toBe(false);
  });

  it('ships production dependencies only in the run stage (npm prune --omit=dev)', () => {
    const dir = runStage.dir!;
    const manifest = z
      .object({
        dependencies: z.record(z.string(), z.string()),
        devDependencies: z.record(z.string(), z.string()),
      })
      .parse(JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')));
    const lock = z
      .object({ packages: z.record(z.string(), z.object({ dev: z.boolean().optional() }).loose()) })
      .parse(JSON.parse(readFileSync(join(repositoryRoot, 'package-lock.json'), 'utf8')));
    for (const name of Object.keys(manifest.dependencies)) {
      expect({ name, present: existsSync(join(dir, 'node_modules', name)) }).toEqual({ name, present: true });
    }
    for (const name of ['typescript', 'jest', 'ts-jest', 'eslint']) {
      expect({ name, present: existsSync(join(dir, 'node_modules', name)) }).toEqual({
        name,
        present: false,
      });
    }
    const devOnly = Object.entries(lock.packages).filter(
      ([path, entry]) => path !== '' && entry.dev === true,
    );
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.map(([path]) => path).filter((path) => existsSync(join(dir, path)))).toEqual([]);
  });

  it('serves with its ENTRYPOINT and CMD, passes its HEALTHCHECK and exits 0 on its STOPSIGNAL', async () => {
    const dir = runStage.dir!;
    const cmd = runStage.cmd;
    const healthcheck = runStage.healthcheck;
    expect(cmd).not.toBeNull();
    expect(healthcheck).not.toBeNull();
    const env: Record<string, string> = {
      // The image's environment is the Dockerfile's ENV and nothing of the machine's but a PATH to find node.
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      ...stageEnv(runStage),
      // PORT=3000 may be taken on a shared machine; loopback only. No tenant: serve watches the simulator's demo tenants.
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    };
    expect(env.DATABASE_URL).toBe(`sqlite:${join(dir, 'data', 'ra-watch.db')}`);
    expect(isAbsolute(dir)).toBe(true);

    // As the container would: tini as PID 1 here too, so the STOPSIGNAL below goes through it to node.
    const server = start([...runStage.entrypoint, ...cmd!], dir, env);
    const deadline = Date.now() + 60000;
    let healthy = false;
    let lastCheck = '';
    while (
      !healthy &&
      server.child.exitCode === null &&
      server.child.signalCode === null &&
      Date.now() < deadline
    ) {
      const check = start(healthcheck!.argv, dir, env);
      const timer = setTimeout(() => killGroup(check.child), healthcheck!.timeoutMs);
      const result = await check.done;
      clearTimeout(timer);
      healthy = result.code === 0;
      lastCheck = `exit ${String(result.code ?? result.signal)} ${result.output}`;
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (!healthy) {
      killGroup(server.child);
      const outcome = await server.done;
      throw new Error(
        `HEALTHCHECK never passed (last: ${lastCheck}); server exited ${String(outcome.code ?? outcome.signal)}:\n${outcome.output}`,
      );
    }
    // The SQLite store landed in the data directory the run stage creates.
    expect(existsSync(join(dir, 'data', 'ra-watch.db'))).toBe(true);

    server.child.kill(runStage.stopSignal);
    const timer = setTimeout(() => killGroup(server.child), 20000);
    const outcome = await server.done;
    clearTimeout(timer);
    expect({ code: outcome.code, signal: outcome.signal }).toEqual({ code: 0, signal: null });
  }, 120000);
});
