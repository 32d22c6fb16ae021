/** The problems `loadConfig` reports for `env` (one line per wrong value); fails the test when it accepts it. */
import { ConfigError, loadConfig } from '../../src/config';

export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
