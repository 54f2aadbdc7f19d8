export {
  SERVICE_POOL_SIZE,
  createServiceDataSource,
  migrateServiceDatabase,
  poolOf,
  type ServiceDatabase,
} from './service-database.js';
export {
  ServiceInfrastructure,
  openServiceInfrastructure,
  type ServiceInfrastructureClass,
  type ServiceInfrastructureConfig,
} from './service-infrastructure.js';
export {
  defaultGrpcVerifier,
  grpcAudienceOf,
  logErrorAs,
  logLine,
  runServiceMain,
  type ServiceMainOptions,
} from './run-service-main.js';
export { keysetPageBySeq, type SeqPageOptions } from './keyset-page.js';
export { keysetCursorParam } from './keyset-cursor.js';
