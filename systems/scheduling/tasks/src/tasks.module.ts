import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { TasksCommandHttpHandler } from './handler/http/tasks.command.http-handler.js';
import { TasksQueryHttpHandler } from './handler/http/tasks.query.http-handler.js';
import { WorkspacesCommandHttpHandler } from './handler/http/workspaces.command.http-handler.js';
import { WorkspacesQueryHttpHandler } from './handler/http/workspaces.query.http-handler.js';
import { TASK_REMINDERS_JOB_OPTIONS, TaskRemindersJob } from './handler/job/task-reminders.job.js';
import {
  IDEMPOTENCY_KEY_RETENTION_JOB_OPTIONS,
  IdempotencyKeyRetentionJob,
} from './handler/job/idempotency-key-retention.job.js';
import { PruneIdempotencyKeysUseCase } from './use-case/prune-idempotency-keys/prune-idempotency-keys.use-case.js';
import { TasksInfrastructure } from './repository/tasks.infrastructure.js';
import { TASK_REMINDER_STORE } from './use-case/port/task-reminder.port.js';
import { RunTaskRemindersUseCase } from './use-case/run-task-reminders/run-task-reminders.use-case.js';
import { CompleteTaskUseCase } from './use-case/complete-task/complete-task.use-case.js';
import { MemberReminderDefaultsMessageHandler } from './handler/message/member-reminder-defaults.message-handler.js';
import { MEMBER_REMINDER_DEFAULTS } from './use-case/port/member-reminder-defaults.port.js';
import { RecordReminderDefaultsUseCase } from './use-case/record-reminder-defaults/record-reminder-defaults.use-case.js';
import { CreateTaskUseCase } from './use-case/create-task/create-task.use-case.js';
import { DeleteTaskUseCase } from './use-case/delete-task/delete-task.use-case.js';
import { GetTaskUseCase } from './use-case/get-task/get-task.use-case.js';
import { ListTasksUseCase } from './use-case/list-tasks/list-tasks.use-case.js';
import { NextTasksUseCase } from './use-case/next-tasks/next-tasks.use-case.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { IDEMPOTENCY_KEY_STORE } from './use-case/port/idempotency-key.port.js';
import { TASK_READ_MODEL } from './use-case/port/task.read-model.port.js';
import { TASK_REPOSITORY } from './use-case/port/task.repository.port.js';
import {
  AddTaskAttachmentUseCase,
  RemoveTaskAttachmentUseCase,
} from './use-case/task-attachments/task-attachments.use-case.js';
import { UpdateTaskUseCase } from './use-case/update-task/update-task.use-case.js';
import { WORKSPACE_READ_MODEL } from './use-case/port/workspace.read-model.port.js';
import { WORKSPACE_REPOSITORY } from './use-case/port/workspace.repository.port.js';
import { ChangeWorkspaceUseCase } from './use-case/workspace/change-workspace.use-case.js';
import { GetWorkspaceUseCase, ListWorkspacesUseCase } from './use-case/workspace/workspace-queries.use-case.js';

/** Domain error code → HTTP status of the tasks public API. */
export const TASKS_DOMAIN_ERRORS = {
  'TASK.INVALID': 400,
  'TASK.NOT_FOUND': 404,
  'TASK.ATTACHMENT_NOT_FOUND': 404,
  'TASK.TOO_MANY_ATTACHMENTS': 409,
  'WORKSPACE.INVALID': 400,
  'WORKSPACE.FORBIDDEN': 403,
  'WORKSPACE.NOT_FOUND': 404,
  'WORKSPACE.MEMBER_NOT_FOUND': 404,
  'WORKSPACE.ALREADY_EXISTS': 409,
  'WORKSPACE.MEMBER_EXISTS': 409,
  'WORKSPACE.LAST_OWNER': 409,
  'WORKSPACE.PERSONAL': 409,
  'WORKSPACE.CONCURRENCY_CONFLICT': 409,
  'WORKSPACE.STALE_READ': 409,
  'TASK.ALREADY_EXISTS': 409,
  'TASK.CONCURRENCY_CONFLICT': 409,
  'TASK.CYCLE': 409,
  'TASK.OPEN_SUBTASKS': 409,
  'TASK.NOT_COMPLETABLE': 409,
  'TASK.STALE_READ': 409,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type TasksRole = 'command' | 'query' | 'all';

/**
 * Wiring of the tasks service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; a user reaches the workspaces they are a member of).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally). The command role (and `all`) also runs the task reminder engine
 * every `reminderPollMs` (0: not at all), which publishes TaskDueSoonV1, and the Idempotency-Key
 * retention every `idempotencyKeyRetention.intervalMs` (default 5 min; 0: not at all), deleting keys older
 * than its `retentionMs` (default 24 h).
 */
@Module({})
export class TasksModule {
  static forRoot(
    infrastructure: TasksInfrastructure,
    auth: AuthOptions,
    role: TasksRole = 'all',
    options: {
      readonly reminderPollMs?: number;
      readonly idempotencyKeyRetention?: { readonly retentionMs: number; readonly intervalMs: number };
      readonly onError?: (error: unknown) => void;
    } = {},
  ): DynamicModule {
    const pollMs = options.reminderPollMs ?? 500;
    const engine = role !== 'query' && pollMs > 0;
    const keyRetention = options.idempotencyKeyRetention ?? { retentionMs: 24 * 3_600_000, intervalMs: 300_000 };
    const pruneKeys = role !== 'query' && keyRetention.intervalMs > 0;
    return {
      module: TasksModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query' ? [] : [TasksCommandHttpHandler, WorkspacesCommandHttpHandler]),
        ...(role === 'command' ? [] : [TasksQueryHttpHandler, WorkspacesQueryHttpHandler]),
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: TasksInfrastructure, useValue: infrastructure },
        { provide: TASK_REPOSITORY, useValue: infrastructure.repository },
        { provide: TASK_READ_MODEL, useValue: infrastructure.readModel },
        { provide: WORKSPACE_REPOSITORY, useValue: infrastructure.workspaces },
        { provide: WORKSPACE_READ_MODEL, useValue: infrastructure.workspaceReadModel },
        { provide: CLOCK, useClass: SystemClockGateway },
        { provide: TASK_REMINDER_STORE, useValue: infrastructure.reminders },
        { provide: IDEMPOTENCY_KEY_STORE, useValue: infrastructure.idempotencyKeys },
        { provide: MEMBER_REMINDER_DEFAULTS, useValue: infrastructure.reminderDefaults },
        RecordReminderDefaultsUseCase,
        MemberReminderDefaultsMessageHandler,
        { provide: TASK_REMINDERS_JOB_OPTIONS, useValue: { pollMs, onError: options.onError } },
        RunTaskRemindersUseCase,
        ...(engine ? [TaskRemindersJob] : []),
        {
          provide: IDEMPOTENCY_KEY_RETENTION_JOB_OPTIONS,
          useValue: {
            pollMs: keyRetention.intervalMs,
            retentionMs: keyRetention.retentionMs,
            onError: options.onError,
          },
        },
        PruneIdempotencyKeysUseCase,
        ...(pruneKeys ? [IdempotencyKeyRetentionJob] : []),
        CreateTaskUseCase,
        UpdateTaskUseCase,
        DeleteTaskUseCase,
        CompleteTaskUseCase,
        AddTaskAttachmentUseCase,
        RemoveTaskAttachmentUseCase,
        GetTaskUseCase,
        ListTasksUseCase,
        NextTasksUseCase,
        ChangeWorkspaceUseCase,
        ListWorkspacesUseCase,
        GetWorkspaceUseCase,
      ],
    };
  }
}
