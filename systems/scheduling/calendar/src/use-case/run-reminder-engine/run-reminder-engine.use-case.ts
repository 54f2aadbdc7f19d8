import { Temporal } from '@archipelago/util-calendar';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { REMINDER_ENGINE, type ReminderEnginePort } from '../port/reminder-engine.port.js';
import { ReplanRemindersCommand } from '../replan-reminders/replan-reminders.command.js';
import { ReplanRemindersUseCase } from '../replan-reminders/replan-reminders.use-case.js';
import { RunReminderEngineCommand } from './run-reminder-engine.command.js';

/** Hours ahead the engine keeps reminders planned; plans older than half of it are renewed. */
export const HORIZON_HOURS = 48;
/** Events re-planned and reminders fired per round at most. */
export const BATCH = 100;

/** What one round did. */
export interface ReminderEngineRound {
  readonly replanned: number;
  readonly fired: number;
}

/**
 * One round of the reminder engine: re-plans the reminders of events that changed (by read-model
 * version), were deleted, or whose plan is older than half the horizon; then fires what is due
 * (exactly once, see {@link ReminderEnginePort.fireDue}). Safe on several replicas at once.
 */
@CommandHandler(RunReminderEngineCommand)
export class RunReminderEngineUseCase implements ICommandHandler<RunReminderEngineCommand, ReminderEngineRound> {
  constructor(
    @Inject(REMINDER_ENGINE) private readonly engine: ReminderEnginePort,
    private readonly replan: ReplanRemindersUseCase,
  ) {}

  async execute({ now }: RunReminderEngineCommand): Promise<ReminderEngineRound> {
    const staleBefore = Temporal.Instant.from(now)
      .subtract({ hours: HORIZON_HOURS / 2 })
      .toString();
    const ids = await this.engine.eventsToReplan(staleBefore, BATCH);
    for (const eventId of ids) {
      await this.replan.execute(new ReplanRemindersCommand(eventId, now, HORIZON_HOURS));
      await this.engine.markPlanned(eventId, now);
    }
    return { replanned: ids.length, fired: await this.engine.fireDue(now, BATCH) };
  }
}
