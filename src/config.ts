/**
 * Configuration, parsed from the environment once (STYLE.md: one reader of the environment). The parts live in
 * src/config/: the variable table with each variable's one default (variables.ts), the checks across variables
 * (cross-checks.ts), the loader (load-config.ts) and the typed result (config-shape.ts). This is the one import
 * path the rest of ra-watch uses.
 */
export {
  ConfigError,
  type ApiEntraConfig,
  type Config,
  type Env,
  type GraphCredentialConfig,
  type QueueConfig,
} from './config/config-shape';
export { loadConfig, readEnvironment } from './config/load-config';
export { CONFIG_VARIABLES, SECRET_VARIABLES } from './config/variables';
