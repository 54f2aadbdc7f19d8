import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { CredentialsCommandHttpHandler } from './handler/http/credentials.command.http-handler.js';
import { CredentialsQueryHttpHandler } from './handler/http/credentials.query.http-handler.js';
import { CredentialsInfrastructure } from './repository/credentials.infrastructure.js';
import { CreateCredentialsItemUseCase } from './use-case/create-credentials-item/create-credentials-item.use-case.js';
import { GetCredentialsItemUseCase } from './use-case/get-credentials-item/get-credentials-item.use-case.js';
import { ListCredentialsItemsUseCase } from './use-case/list-credentials-items/list-credentials-items.use-case.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { CREDENTIALS_ITEM_READ_MODEL } from './use-case/port/credentials-item.read-model.port.js';
import { CREDENTIALS_ITEM_REPOSITORY } from './use-case/port/credentials-item.repository.port.js';

/** Domain error code → HTTP status of the credentials public API. */
export const CREDENTIALS_DOMAIN_ERRORS = {
  'CREDENTIALS_ITEM.NOT_FOUND': 404,
  'CREDENTIALS_ITEM.ALREADY_EXISTS': 409,
  'CREDENTIALS_ITEM.CONCURRENCY_CONFLICT': 409,
  'CREDENTIALS_ITEM.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type CredentialsRole = 'command' | 'query' | 'all';

/**
 * Wiring of the credentials service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; writes need `admin`).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally).
 */
@Module({})
export class CredentialsModule {
  static forRoot(
    infrastructure: CredentialsInfrastructure,
    auth: AuthOptions,
    role: CredentialsRole = 'all',
  ): DynamicModule {
    return {
      module: CredentialsModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query' ? [] : [CredentialsCommandHttpHandler]),
        ...(role === 'command' ? [] : [CredentialsQueryHttpHandler]),
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: CredentialsInfrastructure, useValue: infrastructure },
        { provide: CREDENTIALS_ITEM_REPOSITORY, useValue: infrastructure.repository },
        { provide: CREDENTIALS_ITEM_READ_MODEL, useValue: infrastructure.readModel },
        { provide: CLOCK, useClass: SystemClockGateway },
        CreateCredentialsItemUseCase,
        GetCredentialsItemUseCase,
        ListCredentialsItemsUseCase,
      ],
    };
  }
}
