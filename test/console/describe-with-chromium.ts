/**
 * `describe` for a suite that drives a real Chromium. Where no Chromium can run (see
 * test/support/chromium-executable.ts), the suite is one skipped test whose name says what to install, and a warning
 * in the run's output: it never passes silently.
 */
import { findChromium } from '../support/chromium-executable';

export function describeWithChromium(name: string, suite: () => void): void {
  const chromium = findChromium();
  if (chromium.found) {
    describe(name, suite);
    return;
  }
  console.warn(`${name}: skipped, ${chromium.hint}`);
  describe(name, () => {
    it.skip(`needs Chromium: ${chromium.hint}`, () => undefined);
  });
}
