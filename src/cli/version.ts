/**
 * `ra-watch --version`: the version in package.json. The file is found by walking up from this module, because the
 * CLI runs both from the sources (src/cli/, tests) and compiled (dist/src/cli/), at different depths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const packageSchema = z.object({ name: z.string(), version: z.string() });

export function cliVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const parsed = packageSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success && parsed.data.name === 'ra-watch') return parsed.data.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
