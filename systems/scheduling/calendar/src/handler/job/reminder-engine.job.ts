import { PollingJob, type PollingJobOptions } from '@archipelago/platform-service';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RunReminderEngineCommand } from '../../use-case/run-reminder-engine/run-reminder-engine.command.js';
import type { ReminderEngineRound } from '../../use-case/run-reminder-engine/run-reminder-engine.use-case.js';

/** Options of the reminder engine job: `pollMs` is `REMINDER_POLL_MS` (default 500: reminders fire within about a second). */
export type ReminderEngineJobOptions = PollingJobOptions;

export const REMINDER_ENGINE_JOB_OPTIONS = Symbol('ReminderEngineJobOptions');

/**
 * Background job of the command role: every `pollMs`, one round of the reminder engine
 * (RunReminderEngineCommand). Across replicas the due rows are claimed with FOR UPDATE SKIP LOCKED,
 * so every replica may run it.
 */
@Injectable()
export class ReminderEngineJob extends PollingJob<ReminderEngineRound> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(REMINDER_ENGINE_JOB_OPTIONS) options: ReminderEngineJobOptions,
  ) {
    super(options);
  }

  /** One round at the current time. */
  runOnce(): Promise<ReminderEngineRound> {
    return this.commands.execute(new RunReminderEngineCommand(new Date().toISOString()));
  }
}
