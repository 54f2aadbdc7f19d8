import { PollingJob, type PollingJobOptions } from '@archipelago/platform-service';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RunTaskRemindersCommand } from '../../use-case/run-task-reminders/run-task-reminders.command.js';
import type { TaskReminderRound } from '../../use-case/run-task-reminders/run-task-reminders.use-case.js';

/** Options of the task reminder job: `pollMs` is `REMINDER_POLL_MS` (default 500). */
export type TaskRemindersJobOptions = PollingJobOptions;

export const TASK_REMINDERS_JOB_OPTIONS = Symbol('TaskRemindersJobOptions');

/**
 * Background job of the command role: every `pollMs`, one round of the tasks reminder engine. Due rows
 * are claimed with FOR UPDATE SKIP LOCKED, so every replica may run it.
 */
@Injectable()
export class TaskRemindersJob extends PollingJob<TaskReminderRound> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(TASK_REMINDERS_JOB_OPTIONS) options: TaskRemindersJobOptions,
  ) {
    super(options);
  }

  /** One round at the current time. */
  runOnce(): Promise<TaskReminderRound> {
    return this.commands.execute(new RunTaskRemindersCommand(new Date().toISOString()));
  }
}
