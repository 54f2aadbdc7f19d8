import type { Server } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/** Serving status of the standard gRPC health service (`grpc.health.v1.Health`). */
export type GrpcServingStatus = ServingStatus;

/**
 * The standard gRPC health service (grpc/grpc `doc/health-checking.md`, `grpc.health.v1.Health`
 * with `Check` and `Watch`), backed by the gRPC team's `grpc-health-check` implementation.
 *
 * The empty service name `''` stands for the whole server; {@link grpcServerOptions} also
 * registers each fully-qualified service it serves. Every name starts `NOT_SERVING`; the service
 * calls `setServingStatus('', 'SERVING')` (or {@link setAllServingStatus}) once its dependencies
 * are ready, and `NOT_SERVING` again when it starts draining. Unknown names answer `NOT_FOUND`
 * to `Check`, as the standard says.
 */
export class GrpcHealthService {
  private readonly statuses = new Map<string, GrpcServingStatus>();
  private readonly implementation: HealthImplementation;

  /** @param initialStatus status of `''` and of every service registered later. */
  constructor(private readonly initialStatus: GrpcServingStatus = 'NOT_SERVING') {
    this.statuses.set('', initialStatus);
    this.implementation = new HealthImplementation({ '': initialStatus });
  }

  /** Sets the status of one service (`''` = the whole server); Watch streams see the change. */
  setServingStatus(service: string, status: GrpcServingStatus): void {
    this.statuses.set(service, status);
    this.implementation.setStatus(service, status);
  }

  /** Sets the status of `''` and of every registered service. */
  setAllServingStatus(status: GrpcServingStatus): void {
    for (const service of this.statuses.keys()) this.setServingStatus(service, status);
  }

  /** Current status of a service, `undefined` when it was never registered. */
  servingStatus(service = ''): GrpcServingStatus | undefined {
    return this.statuses.get(service);
  }

  /** Registers a service name with the initial status, unless it is already known. */
  register(service: string): void {
    if (!this.statuses.has(service)) this.setServingStatus(service, this.initialStatus);
  }

  /** Adds `grpc.health.v1.Health` to a grpc-js server (before it starts serving). */
  addToServer(server: Server): void {
    this.implementation.addToServer(server);
  }
}
