export { ConfigError, configOrExit, loadConfig } from './load-config.js';
export {
  LOG_LEVELS,
  MESSAGING_TRANSPORTS,
  baseServiceConfigSchema,
  maintenanceConfigSchema,
  type BaseServiceConfig,
  type MaintenanceConfig,
} from './base-service-config.schema.js';
export {
  envBoolean,
  envEnum,
  envHostPortList,
  envIdentifier,
  envInteger,
  envList,
  envName,
  envPort,
  envUrl,
} from './env-schemas.js';
export {
  DEFAULT_AUTH_AUDIENCE,
  DEFAULT_AUTH_ISSUER,
  authConfigSchema,
  authConfigShape,
  type AuthConfig,
} from './auth-config.schema.js';
