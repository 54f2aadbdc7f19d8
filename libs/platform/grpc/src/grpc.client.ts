import {
  Client,
  credentials as grpcCredentials,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync, type MethodDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import type { Observable } from 'rxjs';
import { GRPC_LOADER_OPTIONS } from './grpc-loader.options.js';
import { buildCallMetadata } from './grpc.metadata.js';
import { DEFAULT_GRPC_RETRY_POLICY, retryDelayMs, shouldRetry, type GrpcRetryPolicy } from './grpc-retry.policy.js';

/** Options of one call. */
export interface GrpcCallOptions {
  /** Deadline of this call in ms from now, retries included; overrides the client's default. */
  readonly deadlineMs?: number;
  /** Extra metadata for this call; wins over the request context's entries. */
  readonly metadata?: Readonly<Record<string, string | undefined>>;
}

/**
 * Promise-based view of a ts-proto NestJS client interface (`nestJs=true` generates methods
 * `(request, metadata?) => Observable<Response>`): each unary method becomes
 * `(request, options?) => Promise<Response>`.
 */
export type GrpcPromiseClient<T> = {
  [K in keyof T]: T[K] extends (request: infer Req, ...rest: never[]) => Observable<infer Res>
    ? (request: Req, options?: GrpcCallOptions) => Promise<Res>
    : never;
};

/** A typed client plus the handle that closes its channel. */
export type GrpcClient<T> = GrpcPromiseClient<T> & {
  /** Closes the channel; pending calls fail with CANCELLED. */
  close(): void;
};

/** Input of {@link createGrpcClient}. */
export interface GrpcClientOptions {
  /** Server address `host:port` (any grpc-js target, e.g. `dns:///catalog:50051`). */
  readonly address: string;
  /** Fully-qualified service name, e.g. `archipelago.commerce.catalog.v1.CatalogService`. */
  readonly service: string;
  /** Absolute include directory of the proto files. */
  readonly protoRoot: string;
  /** Proto files relative to `protoRoot`, one of which defines `service`. */
  readonly protoFiles: readonly string[];
  /** Default deadline of every call in ms, retries included. Default 2000. */
  readonly deadlineMs?: number;
  /**
   * Methods (lower-camel names, e.g. `getProducts`) safe to retry. Default: the methods whose
   * proto declares `option idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT`.
   */
  readonly idempotentMethods?: readonly string[];
  /** Retry policy for idempotent methods; merged over {@link DEFAULT_GRPC_RETRY_POLICY}. */
  readonly retry?: Partial<GrpcRetryPolicy>;
  /**
   * Metadata of the current request to propagate on every call, read at call time: typically
   * `traceparent`, `tracestate`, `x-request-id`, `authorization` (see PROPAGATED_METADATA_KEYS).
   */
  readonly getContextMetadata?: () => Readonly<Record<string, string | undefined>>;
  /** Channel credentials; default insecure (plaintext inside the cluster network). */
  readonly credentials?: ChannelCredentials;
  /** grpc-js channel options (`grpc.keepalive_time_ms` …). */
  readonly channelOptions?: ChannelOptions;
}

/**
 * Creates a typed, Promise-based gRPC client for one service, loading its definition from the
 * .proto sources at runtime (@grpc/proto-loader with {@link GRPC_LOADER_OPTIONS}).
 *
 * Every call gets a deadline (`deadlineMs`, default 2000 ms, shared by all attempts) and carries
 * the request context's metadata. Idempotent methods are retried on UNAVAILABLE with exponential
 * backoff and full jitter (gRFC A6) while attempts and deadline remain; other failures reject at
 * once with the grpc-js `ServiceError` (`code`, `details`, `metadata`; see readGrpcFailure).
 * Streaming methods are not exposed.
 *
 * @typeParam T the generated ts-proto client interface, e.g. `CatalogServiceClient`.
 * @throws Error when the proto files cannot be loaded or do not define `service`.
 */
export function createGrpcClient<T>(options: GrpcClientOptions): GrpcClient<T> {
  const definition = loadSync([...options.protoFiles], { ...GRPC_LOADER_OPTIONS, includeDirs: [options.protoRoot] });
  const service = definition[options.service];
  if (!service || 'format' in service) throw new Error(`gRPC service ${options.service} not found in ${options.protoFiles.join(', ')}`);
  const policy: GrpcRetryPolicy = { ...DEFAULT_GRPC_RETRY_POLICY, ...options.retry };
  const defaultDeadlineMs = options.deadlineMs ?? 2_000;
  const channel = new Client(options.address, options.credentials ?? grpcCredentials.createInsecure(), options.channelOptions);
  const client: Record<string, unknown> = { close: () => channel.close() };

  for (const [name, method] of Object.entries(service as ServiceDefinition)) {
    if (method.requestStream || method.responseStream) continue;
    const methodName = method.originalName ?? name.charAt(0).toLowerCase() + name.slice(1);
    const idempotent = options.idempotentMethods
      ? options.idempotentMethods.includes(methodName)
      : ['NO_SIDE_EFFECTS', 'IDEMPOTENT'].includes(String(method.options?.idempotency_level));
    client[methodName] = async (request: unknown, call: GrpcCallOptions = {}) => {
      const deadline = Date.now() + (call.deadlineMs ?? defaultDeadlineMs);
      for (let attempt = 1; ; attempt++) {
        const metadata = buildCallMetadata(options.getContextMetadata?.(), call.metadata);
        try {
          return await unaryCall(channel, method, request, metadata, { deadline });
        } catch (error) {
          const code = (error as Partial<ServiceError>).code;
          if (code === undefined || !shouldRetry(code, attempt, idempotent, policy)) throw error;
          const delay = retryDelayMs(attempt, policy);
          if (Date.now() + delay >= deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    };
  }
  return client as GrpcClient<T>;
}

function unaryCall(
  channel: Client,
  method: MethodDefinition<object, object>,
  request: unknown,
  metadata: ReturnType<typeof buildCallMetadata>,
  callOptions: CallOptions,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    channel.makeUnaryRequest(
      method.path,
      method.requestSerialize as (value: unknown) => Buffer,
      method.responseDeserialize,
      request,
      metadata,
      callOptions,
      (error, response) => (error ? reject(error) : resolve(response)),
    );
  });
}

