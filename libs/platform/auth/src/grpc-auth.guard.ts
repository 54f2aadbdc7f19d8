import type { Metadata } from '@grpc/grpc-js';
import { grpcServerOptions, toGrpcError, type GrpcServerSetup } from '@archipelago/platform-grpc';
import type { CanActivate, ExecutionContext, INestApplication, INestMicroservice } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { authenticateGrpcCall } from './grpc-auth.js';
import type { Caller } from './caller.js';
import type { TokenVerifier } from './token-verifier.js';

/** What {@link GrpcAuthGuard} needs: a verifier whose audience is the gRPC server's own. */
export type GrpcTokenVerifier = Pick<TokenVerifier, 'verify'>;

/**
 * Authenticates EVERY call of a gRPC server (NestJS guard for the `rpc` context; other contexts
 * pass through): the `authorization` metadata must hold `Bearer <jwt>` — a service token from
 * identity's client-credentials grant whose audience is this server (RFC 8707 `resource`), so a
 * user's token or a token for another service is refused. Only service clients are accepted.
 * `runServiceMain` installs it on every gRPC server; the standard health service is outside Nest
 * and stays open to probes.
 * @throws RpcException UNAUTHENTICATED / PERMISSION_DENIED / UNAVAILABLE (see authenticateGrpcCall)
 */
export class GrpcAuthGuard implements CanActivate {
  constructor(private readonly verifier: GrpcTokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'rpc') return true;
    const metadata = context.switchToRpc().getContext<Metadata | undefined>();
    const caller: Caller = await authenticateGrpcCall(this.verifier as TokenVerifier, metadata);
    if (caller.kind !== 'client') throw toGrpcError('PERMISSION_DENIED', 'gRPC calls need a service token');
    return true;
  }
}

/** NestMicroservice's hooks that `connectMicroservice` calls itself when not deferred. */
interface DeferredMicroservice {
  registerListeners(): void;
  setIsInitialized(value: boolean): void;
  setIsInitHookCalled(value: boolean): void;
}

/**
 * Connects a gRPC server ({@link grpcServerOptions}) to a hybrid NestJS app with
 * {@link GrpcAuthGuard} on every call. Call `app.startAllMicroservices()` afterwards.
 */
export function connectAuthenticatedGrpcServer(
  app: INestApplication,
  setup: GrpcServerSetup,
  verifier: GrpcTokenVerifier,
): INestMicroservice {
  // The guard must be in place before the handlers are registered: connectMicroservice registers
  // them at once unless told to defer; then do what it would have done (Nest 12 hybrid apps).
  const server = app.connectMicroservice<MicroserviceOptions>(grpcServerOptions(setup), {
    deferInitialization: true,
  }) as INestMicroservice & DeferredMicroservice;
  server.useGlobalGuards(new GrpcAuthGuard(verifier));
  server.registerListeners();
  server.setIsInitialized(true);
  server.setIsInitHookCalled(true);
  return server;
}
