import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { RegistryGrpcHandler } from './handler/grpc/registry.grpc-handler.js';
import { RegistryCommandHttpHandler } from './handler/http/registry.command.http-handler.js';
import { RegistryQueryHttpHandler } from './handler/http/registry.query.http-handler.js';
import { RegistryInfrastructure } from './repository/registry.infrastructure.js';
import { CreateRegistryItemUseCase } from './use-case/create-registry-item/create-registry-item.use-case.js';
import { GetRegistryItemUseCase } from './use-case/get-registry-item/get-registry-item.use-case.js';
import { ListRegistryItemsUseCase } from './use-case/list-registry-items/list-registry-items.use-case.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { REGISTRY_ITEM_READ_MODEL } from './use-case/port/registry-item.read-model.port.js';
import { REGISTRY_ITEM_REPOSITORY } from './use-case/port/registry-item.repository.port.js';

/** Domain error code → HTTP status of the registry public API. */
export const REGISTRY_DOMAIN_ERRORS = {
  'REGISTRY_ITEM.NOT_FOUND': 404,
  'REGISTRY_ITEM.ALREADY_EXISTS': 409,
  'REGISTRY_ITEM.CONCURRENCY_CONFLICT': 409,
  'REGISTRY_ITEM.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type RegistryRole = 'command' | 'query' | 'all';

/**
 * Wiring of the registry service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; writes need `admin`).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally).
 */
@Module({})
export class RegistryModule {
  static forRoot(infrastructure: RegistryInfrastructure, auth: AuthOptions, role: RegistryRole = 'all'): DynamicModule {
    return {
      module: RegistryModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query' ? [] : [RegistryCommandHttpHandler]),
        ...(role === 'command' ? [] : [RegistryQueryHttpHandler]),
        RegistryGrpcHandler,
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: RegistryInfrastructure, useValue: infrastructure },
        { provide: REGISTRY_ITEM_REPOSITORY, useValue: infrastructure.repository },
        { provide: REGISTRY_ITEM_READ_MODEL, useValue: infrastructure.readModel },
        { provide: CLOCK, useClass: SystemClockGateway },
        CreateRegistryItemUseCase,
        GetRegistryItemUseCase,
        ListRegistryItemsUseCase,
      ],
    };
  }
}
