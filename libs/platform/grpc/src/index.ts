export { GRPC_LOADER_OPTIONS } from './grpc-loader.options.js';
export { grpcServerOptions, type GrpcServerOptions, type GrpcServerSetup } from './grpc-server.options.js';
export { GrpcHealthService, type GrpcServingStatus } from './grpc-health.service.js';
export {
  createGrpcClient,
  type GrpcCallOptions,
  type GrpcClient,
  type GrpcClientOptions,
  type GrpcPromiseClient,
} from './grpc.client.js';
export { DEFAULT_GRPC_RETRY_POLICY, retryDelayMs, shouldRetry, type GrpcRetryPolicy } from './grpc-retry.policy.js';
export {
  buildCallMetadata,
  propagatedMetadata,
  readCallContext,
  PROPAGATED_METADATA_KEYS,
  type GrpcCallContext,
} from './grpc.metadata.js';
export {
  ERROR_CODE_METADATA_KEY,
  GrpcStatus,
  grpcStatusFor,
  readGrpcFailure,
  toGrpcError,
  type GrpcFailure,
  type GrpcStatusName,
} from './grpc.errors.js';
export { rejectUnstorableRequests, UNSTORABLE_INPUT_CODE } from './grpc-input.js';
export * from './grpc-metrics.interceptor.js';
