import type { DestinationStream } from 'pino';
import type { DomainErrorMapping } from './problem/problem-details.js';
import type { ReadinessCheck } from './health/readiness.registry.js';

/** The base configuration fields the platform reads (a subset of `BaseServiceConfig`). */
export interface PlatformConfig {
  SERVICE_NAME: string;
  SYSTEM?: string;
  HOST: string;
  HTTP_PORT: number;
  LOG_LEVEL: string;
  [key: string]: unknown;
}

/** Options of `PlatformModule.forRoot` (and the non-OpenAPI part of `createHttpApp`). */
export interface PlatformOptions {
  /** Kebab-case service name: on every log line and as the `service` label of every metric. */
  serviceName: string;
  /** The service's validated configuration, injectable anywhere with `@Inject(PLATFORM_CONFIG)`. */
  config: PlatformConfig;
  /** Domain error code → HTTP status, applied by the problem filter. */
  domainErrors?: DomainErrorMapping;
  /** Readiness checks known at start-up; more can be registered at runtime on `ReadinessRegistry`. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Where pino writes; default stdout. Tests pass a stream to capture log lines. */
  logDestination?: DestinationStream;
}

/** DI token of the {@link PlatformOptions}. */
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

/** DI token of the service's validated configuration object (`PlatformOptions.config`). */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
