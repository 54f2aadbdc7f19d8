import type { Server } from '@grpc/grpc-js';
import type { Options } from '@grpc/proto-loader';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import type { Registry } from 'prom-client';
import { GrpcHealthService } from './grpc-health.service.js';
import { rejectUnstorableRequests } from './grpc-input.js';
import { grpcMetricsInterceptor } from './grpc-metrics.interceptor.js';
import { GRPC_LOADER_OPTIONS } from './grpc-loader.options.js';

/** Input of {@link grpcServerOptions}. */
export interface GrpcServerSetup {
  /** Protobuf packages whose services this server implements, e.g. `['archipelago.commerce.catalog.v1']`. */
  readonly packages: readonly string[];
  /** Proto files relative to `protoRoot`, e.g. `['archipelago/commerce/catalog/v1/catalog.proto']`. */
  readonly protoFiles: readonly string[];
  /** Absolute include directory that the proto files and their imports resolve against. */
  readonly protoRoot: string;
  /** Listen address `host:port`, e.g. `0.0.0.0:50051` (port 0 is not reported back by NestJS). */
  readonly url: string;
  /** Health service to register; default: a new one whose every status starts `SERVING`. */
  readonly health?: GrpcHealthService;
  /** Extra proto-loader options, merged over {@link GRPC_LOADER_OPTIONS}. */
  readonly loader?: Omit<Options, 'includeDirs'>;
  /** Largest message accepted, in bytes; grpc-js default 4 MiB. */
  readonly maxReceiveMessageLength?: number;
  /**
   * Wait for in-flight calls on close (`tryShutdown`) instead of cancelling them. Default false:
   * open health `Watch` streams never finish, so a graceful close would wait for them forever.
   */
  readonly gracefulShutdown?: boolean;
  /** Prometheus registry for `rpc_server_call_duration_seconds` (see grpcMetricsInterceptor); none: not recorded. */
  readonly metricsRegistry?: Registry;
}

/** NestJS microservice options for the gRPC transport (`Transport.GRPC`). */
export type GrpcServerOptions = GrpcOptions & { transport: Transport.GRPC };

/**
 * NestJS microservice options for a gRPC server on @grpc/grpc-js, with the standard health
 * service (`grpc.health.v1.Health`) registered next to the service's own.
 *
 * Messages are decoded with {@link GRPC_LOADER_OPTIONS} so they match the generated ts-proto
 * types. Each service of `packages` is registered with the health service under its
 * fully-qualified name. Every request message is checked first (`rejectUnstorableRequests`): a
 * string with U+0000 or an unpaired surrogate anywhere is INVALID_ARGUMENT naming the field. Use with `app.connectMicroservice(grpcServerOptions(...))` or
 * `NestFactory.createMicroservice(Module, grpcServerOptions(...))`.
 *
 * @throws Error (at listen time, from NestJS) when a proto file cannot be loaded or a package is
 *   not found in it.
 */
export function grpcServerOptions(setup: GrpcServerSetup): GrpcServerOptions {
  const health = setup.health ?? new GrpcHealthService('SERVING');
  return {
    transport: Transport.GRPC,
    options: {
      url: setup.url,
      package: [...setup.packages],
      protoPath: [...setup.protoFiles],
      loader: { ...GRPC_LOADER_OPTIONS, ...setup.loader, includeDirs: [setup.protoRoot] },
      gracefulShutdown: setup.gracefulShutdown ?? false,
      // grpc-js ServerOptions.interceptors, passed through by NestJS with the channel options.
      ...(setup.metricsRegistry
        ? { channelOptions: { interceptors: [grpcMetricsInterceptor(setup.metricsRegistry)] } as Record<string, unknown> }
        : {}),
      ...(setup.maxReceiveMessageLength === undefined ? {} : { maxReceiveMessageLength: setup.maxReceiveMessageLength }),
      onLoadPackageDefinition: (definition: Record<string, unknown>, server: Server) => {
        // Called before NestJS adds the services: every handler then refuses unstorable strings.
        rejectUnstorableRequests(server);
        for (const name of serviceNames(definition, setup.packages)) health.register(name);
        health.addToServer(server);
      },
    },
  };
}

// proto-loader's package definition is a flat map from fully-qualified name to definition;
// services are the entries without a `format` (messages and enums carry one).
function serviceNames(definition: Record<string, unknown>, packages: readonly string[]): string[] {
  return Object.entries(definition)
    .filter(([name, value]) => packages.some((pkg) => name.startsWith(`${pkg}.`)) && !hasFormat(value))
    .map(([name]) => name);
}

function hasFormat(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'format' in value;
}
