import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RunReminderEngineCommand } from '../../use-case/run-reminder-engine/run-reminder-engine.command.js';
import type { ReminderEngineRound } from '../../use-case/run-reminder-engine/run-reminder-engine.use-case.js';

/** Options of the reminder engine job. */
export interface ReminderEngineJobOptions {
  /** Poll interval in ms (`REMINDER_POLL_MS`, default 500: reminders fire within about a second). */
  readonly pollMs: number;
  /** Called with an error of one round; the job keeps polling. */
  readonly onError?: (error: unknown) => void;
}

export const REMINDER_ENGINE_JOB_OPTIONS = Symbol('ReminderEngineJobOptions');

/**
 * Background job of the command role: every `pollMs`, one round of the reminder engine
 * (RunReminderEngineCommand). Rounds never overlap within a process; across replicas the due rows
 * are claimed with FOR UPDATE SKIP LOCKED, so every replica may run it.
 */
@Injectable()
export class ReminderEngineJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly commands: CommandBus,
    @Inject(REMINDER_ENGINE_JOB_OPTIONS) private readonly options: ReminderEngineJobOptions,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.round = this.runOnce()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.options.pollMs);
  }

  /** One round at the current time. */
  runOnce(): Promise<ReminderEngineRound> {
    return this.commands.execute(new RunReminderEngineCommand(new Date().toISOString()));
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }
}
