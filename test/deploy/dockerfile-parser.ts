/**
 * A small Dockerfile reader shared by the deploy tests: stages of instructions, `COPY` flags, `ENV` pairs and the
 * build context's .dockerignore. It understands what this repository's Dockerfile uses, not the whole grammar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** Dockerfile → stages of instructions, with `\` continuations joined and comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (match === null) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ image: from?.[1] ?? '', name: from?.[2] ?? null, instructions: [] });
    } else {
      const stage = stages[stages.length - 1];
      if (stage === undefined) throw new Error(`${keyword} before FROM`);
      stage.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** `--flag=value` words before the first plain word, and the plain words (sources then destination for COPY). */
export function options(args: string): { flags: Record<string, string>; rest: string[] } {
  const flags: Record<string, string> = {};
  const words = args.split(/\s+/).filter((w) => w.length > 0);
  const rest: string[] = [];
  for (const word of words) {
    const flag = /^--([a-z-]+)=(.*)$/.exec(word);
    if (flag !== null && rest.length === 0) flags[flag[1]!] = flag[2]!;
    else rest.push(word);
  }
  return { flags, rest };
}

/** `ENV a=1 b="two words"` (or the legacy `ENV key value`) → its pairs, in order. */
export function envPairs(args: string): [string, string][] {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(args.trim());
  if (legacy !== null) return [[legacy[1]!, legacy[2]!.trim()]];
  const pairs: [string, string][] = [];
  const text = args.trim();
  const pair = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)\s*/y;
  while (pair.lastIndex < text.length) {
    const at = pair.lastIndex;
    const match = pair.exec(text);
    if (match === null) throw new Error(`cannot read ENV ${args} at ${text.slice(at)}`);
    const raw = match[2]!;
    pairs.push([match[1]!, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw]);
  }
  return pairs;
}

/** The instructions of one keyword in a stage, in order. */
export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The repository root, its Dockerfile's stages and its .dockerignore patterns. */
export const repositoryRoot = join(__dirname, '..', '..');

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(join(repositoryRoot, 'Dockerfile'), 'utf8'));
}

export function readDockerignore(): string[] {
  return readFileSync(join(repositoryRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
