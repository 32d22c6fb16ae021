/**
 * Jest global setup: what the whole run shares, chosen once before the workers start (they inherit the environment).
 * - PostgreSQL: test-postgres-global-setup.ts (TEST_DATABASE_URL, the machine's, or an embedded one).
 * - Chromium: looked up once and handed on in CHROMIUM_PATH, so that parallel browser suites on a machine without a
 *   system Chromium do not unpack the npm one into the same temp file at the same time.
 */
import { findChromium } from './chromium-executable';
import setUpTestPostgres from './test-postgres-global-setup';

export default async function setUpTestRun(): Promise<void> {
  await setUpTestPostgres();
  const chromium = findChromium();
  if (chromium.found) process.env.CHROMIUM_PATH = chromium.executablePath;
}
