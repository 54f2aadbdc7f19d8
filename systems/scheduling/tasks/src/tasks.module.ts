import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { TasksCommandHttpHandler } from './handler/http/tasks.command.http-handler.js';
import { TasksQueryHttpHandler } from './handler/http/tasks.query.http-handler.js';
import { TasksInfrastructure } from './repository/tasks.infrastructure.js';
import { CreateTasksItemUseCase } from './use-case/create-tasks-item/create-tasks-item.use-case.js';
import { GetTasksItemUseCase } from './use-case/get-tasks-item/get-tasks-item.use-case.js';
import { ListTasksItemsUseCase } from './use-case/list-tasks-items/list-tasks-items.use-case.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { TASKS_ITEM_READ_MODEL } from './use-case/port/tasks-item.read-model.port.js';
import { TASKS_ITEM_REPOSITORY } from './use-case/port/tasks-item.repository.port.js';

/** Domain error code → HTTP status of the tasks public API. */
export const TASKS_DOMAIN_ERRORS = {
  'TASKS_ITEM.NOT_FOUND': 404,
  'TASKS_ITEM.ALREADY_EXISTS': 409,
  'TASKS_ITEM.CONCURRENCY_CONFLICT': 409,
  'TASKS_ITEM.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type TasksRole = 'command' | 'query' | 'all';

/**
 * Wiring of the tasks service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; writes need `admin`).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally).
 */
@Module({})
export class TasksModule {
  static forRoot(infrastructure: TasksInfrastructure, auth: AuthOptions, role: TasksRole = 'all'): DynamicModule {
    return {
      module: TasksModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query' ? [] : [TasksCommandHttpHandler]),
        ...(role === 'command' ? [] : [TasksQueryHttpHandler]),
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: TasksInfrastructure, useValue: infrastructure },
        { provide: TASKS_ITEM_REPOSITORY, useValue: infrastructure.repository },
        { provide: TASKS_ITEM_READ_MODEL, useValue: infrastructure.readModel },
        { provide: CLOCK, useClass: SystemClockGateway },
        CreateTasksItemUseCase,
        GetTasksItemUseCase,
        ListTasksItemsUseCase,
      ],
    };
  }
}
