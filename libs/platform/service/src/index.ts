export { BODY_LIMIT_BYTES, createHttpApp, MERGE_PATCH_JSON, startHttpApp, type HttpAppOptions } from './create-http-app.js';
export { PlatformModule } from './platform.module.js';
export { PLATFORM_CONFIG, PLATFORM_OPTIONS, type PlatformConfig, type PlatformOptions } from './platform-options.js';
export {
  acceptIncomingId,
  currentRequestContext,
  newRequestId,
  parseTraceparent,
  requestContextFromHeaders,
  runWithRequestContext,
  type Actor,
  type RequestContext,
  type TraceIds,
} from './context/request-context.js';
export {
  PROBLEM_JSON,
  PROBLEM_TYPE_BASE,
  ProblemException,
  ValidationProblemException,
  problemTypeUri,
  toProblemDetails,
  type DomainErrorMapping,
  type DomainErrorTarget,
  type InvalidParam,
  type ProblemDetails,
  type ProblemInit,
} from './problem/problem-details.js';
export { ProblemDetailsExceptionFilter } from './problem/problem-details.exception-filter.js';
export {
  ZodBody,
  ZodParams,
  ZodQuery,
  ZodValidationPipe,
  toInvalidParams,
  toJsonPointer,
  type StandardSchema,
} from './validation/zod-validation.pipe.js';
export {
  ApiIdempotencyKey,
  ApiProblemResponses,
  ApiPublic,
  IDEMPOTENCY_KEY_PATTERN,
  ApiZodBody,
  ApiZodNegotiatedResponse,
  ApiZodResponse,
  PROBLEM_DETAILS_COMPONENT,
  problemDetailsRef,
  zodToOpenApiSchema,
} from './openapi/zod-openapi.decorators.js';
export { parseIdempotencyKey } from './validation/idempotency-key.js';
export { OPENAPI_JSON_PATH, restrictSchemaProperty, setupOpenApi, type OpenApiOptions } from './openapi/setup-openapi.js';
export { openApiGaps } from './openapi/openapi-gaps.js';
export {
  ReadinessRegistry,
  postgresReadinessCheck,
  type Queryable,
  type ReadinessCheck,
} from './health/readiness.registry.js';
export {
  collectProcessMetrics,
  LATENESS_BUCKETS_SECONDS,
  latenessHistogram,
  type LatenessObserver,
  platformCounter,
  platformHistogram,
  platformMetricsRegistry,
} from './metrics/platform-metrics.registry.js';
export { UNMATCHED_ROUTE } from './metrics/http-metrics.js';
export { PollingJob, type PollingJobOptions } from './jobs/polling-job.js';
