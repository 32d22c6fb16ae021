/**
 * The configuration the in-process benches run ra-watch with: an ephemeral port on loopback, a SQLite file of the
 * bench's own, the embedded queue, a fresh clientState, no log, and no public URL (the app's local URL stands in,
 * as the simulator can reach it).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config';

export function benchAppConfig(databaseFile: string): Config {
  return {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    publicBaseUrl: null,
    databaseUrl: `sqlite:${databaseFile}`,
    clientStates: [randomBytes(24).toString('hex')],
    queue: { kind: 'embedded', maxDeliveries: 10 },
    logLevel: 'silent',
  };
}
