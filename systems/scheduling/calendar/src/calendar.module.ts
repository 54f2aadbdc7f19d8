import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { CalendarCommandHttpHandler } from './handler/http/calendar.command.http-handler.js';
import { CalendarQueryHttpHandler } from './handler/http/calendar.query.http-handler.js';
import { CalendarInfrastructure } from './repository/calendar.infrastructure.js';
import { CreateCalendarItemUseCase } from './use-case/create-calendar-item/create-calendar-item.use-case.js';
import { GetCalendarItemUseCase } from './use-case/get-calendar-item/get-calendar-item.use-case.js';
import { ListCalendarItemsUseCase } from './use-case/list-calendar-items/list-calendar-items.use-case.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { CALENDAR_ITEM_READ_MODEL } from './use-case/port/calendar-item.read-model.port.js';
import { CALENDAR_ITEM_REPOSITORY } from './use-case/port/calendar-item.repository.port.js';

/** Domain error code → HTTP status of the calendar public API. */
export const CALENDAR_DOMAIN_ERRORS = {
  'CALENDAR_ITEM.NOT_FOUND': 404,
  'CALENDAR_ITEM.ALREADY_EXISTS': 409,
  'CALENDAR_ITEM.CONCURRENCY_CONFLICT': 409,
  'CALENDAR_ITEM.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type CalendarRole = 'command' | 'query' | 'all';

/**
 * Wiring of the calendar service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; writes need `admin`).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally).
 */
@Module({})
export class CalendarModule {
  static forRoot(infrastructure: CalendarInfrastructure, auth: AuthOptions, role: CalendarRole = 'all'): DynamicModule {
    return {
      module: CalendarModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query' ? [] : [CalendarCommandHttpHandler]),
        ...(role === 'command' ? [] : [CalendarQueryHttpHandler]),
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: CalendarInfrastructure, useValue: infrastructure },
        { provide: CALENDAR_ITEM_REPOSITORY, useValue: infrastructure.repository },
        { provide: CALENDAR_ITEM_READ_MODEL, useValue: infrastructure.readModel },
        { provide: CLOCK, useClass: SystemClockGateway },
        CreateCalendarItemUseCase,
        GetCalendarItemUseCase,
        ListCalendarItemsUseCase,
      ],
    };
  }
}
