/**
 * No Docker engine runs here, so the Dockerfile is checked as text: two stages (dev dependencies only in the build
 * one), a non-root user, a HEALTHCHECK on /healthz, node as PID 1 in exec form (a shell in front would swallow
 * SIGTERM and the graceful drain would never run), every COPY source present in the repository and not ignored,
 * and a .dockerignore that keeps node_modules, .env files and data out of the build context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { all, options, readDockerfile, readDockerignore, repositoryRoot as root } from './dockerfile-parser';

const stages = readDockerfile();
const dockerignore = readDockerignore();
const final = stages[stages.length - 1]!;

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, both on Node 20', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:20/);
    const build = stages[0]!;
    // Dev dependencies are installed to compile, then pruned before the run stage copies node_modules.
    const runs = all(build, 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm prune --omit=dev|npm ci [^\n]*--omit=dev/);
    expect(
      all(final, 'RUN')
        .map((i) => i.args)
        .join('\n'),
    ).not.toMatch(/npm (ci|install)/);
  });

  it('runs as a non-root user', () => {
    const users = all(final, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]!.args).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks /healthz', () => {
    const checks = all(final, 'HEALTHCHECK');
    expect(checks).toHaveLength(1);
    expect(checks[0]!.args).toMatch(/\bCMD\b/);
    expect(checks[0]!.args).toMatch(/\/healthz/);
  });

  it('starts node under tini (PID 1: forwards signals, reaps zombies) in exec form, on the compiled CLI', () => {
    const entrypoints = all(final, 'ENTRYPOINT');
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0]!.args)).toEqual(['/usr/bin/tini', '--']);
    // The run stage installs it (Debian's tini package puts it at /usr/bin/tini).
    expect(
      all(final, 'RUN')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/apt-get install[^&]*\btini\b/);
    const cmds = all(final, 'CMD');
    expect(cmds).toHaveLength(1);
    const argv = JSON.parse(cmds[0]!.args) as unknown;
    expect(Array.isArray(argv)).toBe(true);
    const [program, script, ...rest] = argv as string[];
    expect(program).toBe('node');
    expect(rest).toEqual(['serve']);
    // dist/src/cli/main.js is what tsc makes of src/cli/main.ts (tsconfig.build.json: rootDir ".", outDir "dist").
    expect(script).toBe('dist/src/cli/main.js');
    expect(existsSync(join(root, 'src/cli/main.ts'))).toBe(true);
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    expect(build.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
  });

  it('keeps the SQLite data directory as a volume the runtime user owns', () => {
    expect(
      all(final, 'VOLUME')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/\/app\/data/);
    const env = all(final, 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/DATABASE_URL=sqlite:\/app\/data\//);
    expect(
      all(final, 'RUN')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/chown node:node \/app\/data/);
  });

  it('copies only sources that exist in the repository and are not ignored, or come from an earlier stage', () => {
    const names = stages.map((s) => s.name);
    stages.forEach((stage, index) => {
      for (const copy of all(stage, 'COPY')) {
        const { flags, rest } = options(copy.args);
        const sources = rest.slice(0, -1);
        expect(sources.length).toBeGreaterThan(0);
        if (flags.from !== undefined) {
          expect(names.slice(0, index)).toContain(flags.from);
          continue;
        }
        for (const source of sources) {
          expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
          expect({ source, ignored: dockerignore.includes(source.replace(/\/$/, '')) }).toEqual({
            source,
            ignored: false,
          });
        }
      }
    });
  });

  it('has a .dockerignore that keeps node_modules, .env files and data out of the build context', () => {
    for (const entry of ['node_modules', '.env', 'data', '.git']) expect(dockerignore).toContain(entry);
    expect(dockerignore.some((e) => /^\*\.db/.test(e))).toBe(true);
  });
});
