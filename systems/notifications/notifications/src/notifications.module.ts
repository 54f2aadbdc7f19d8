import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { NotificationsCommandHttpHandler } from './handler/http/notifications.command.http-handler.js';
import { NotificationsQueryHttpHandler } from './handler/http/notifications.query.http-handler.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';
import { CreateNotificationsItemUseCase } from './use-case/create-notifications-item/create-notifications-item.use-case.js';
import { GetNotificationsItemUseCase } from './use-case/get-notifications-item/get-notifications-item.use-case.js';
import { ListNotificationsItemsUseCase } from './use-case/list-notifications-items/list-notifications-items.use-case.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { NOTIFICATIONS_ITEM_READ_MODEL } from './use-case/port/notifications-item.read-model.port.js';
import { NOTIFICATIONS_ITEM_REPOSITORY } from './use-case/port/notifications-item.repository.port.js';

/** Domain error code → HTTP status of the notifications public API. */
export const NOTIFICATIONS_DOMAIN_ERRORS = {
  'NOTIFICATIONS_ITEM.NOT_FOUND': 404,
  'NOTIFICATIONS_ITEM.ALREADY_EXISTS': 409,
  'NOTIFICATIONS_ITEM.CONCURRENCY_CONFLICT': 409,
  'NOTIFICATIONS_ITEM.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type NotificationsRole = 'command' | 'query' | 'all';

/**
 * Wiring of the notifications service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; writes need `admin`).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally).
 */
@Module({})
export class NotificationsModule {
  static forRoot(
    infrastructure: NotificationsInfrastructure,
    auth: AuthOptions,
    role: NotificationsRole = 'all',
  ): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query' ? [] : [NotificationsCommandHttpHandler]),
        ...(role === 'command' ? [] : [NotificationsQueryHttpHandler]),
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: NotificationsInfrastructure, useValue: infrastructure },
        { provide: NOTIFICATIONS_ITEM_REPOSITORY, useValue: infrastructure.repository },
        { provide: NOTIFICATIONS_ITEM_READ_MODEL, useValue: infrastructure.readModel },
        { provide: CLOCK, useClass: SystemClockGateway },
        CreateNotificationsItemUseCase,
        GetNotificationsItemUseCase,
        ListNotificationsItemsUseCase,
      ],
    };
  }
}
