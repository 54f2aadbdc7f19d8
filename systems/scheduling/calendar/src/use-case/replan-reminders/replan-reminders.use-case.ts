import { Temporal } from '@archipelago/util-calendar';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { planReminders, reconcileReminders, type ReminderChanges } from '../../entity/reminder/reminder-plan.js';
import {
  EVENT_LOOKUP,
  type EventLookupPort,
  REMINDER_STORE,
  type ReminderStorePort,
} from '../port/reminder-store.port.js';
import { ReplanRemindersCommand } from './replan-reminders.command.js';

/**
 * Brings the engine's pending reminders of an event in line with the event (run by the projection of
 * every CalendarEvent change, and by the engine when its horizon moves): reminders of new occurrences
 * are added, those of moved occurrences get their new time, those of cancelled occurrences, removed
 * reminders and deleted events are cancelled; a reminder already fired is never planned again.
 * Recipients are the attendees, or nobody when there are none (the caller then notifies the owner).
 */
@CommandHandler(ReplanRemindersCommand)
export class ReplanRemindersUseCase implements ICommandHandler<ReplanRemindersCommand, ReminderChanges> {
  constructor(
    @Inject(EVENT_LOOKUP) private readonly events: EventLookupPort,
    @Inject(REMINDER_STORE) private readonly store: ReminderStorePort,
  ) {}

  async execute({ eventId, now, horizonHours }: ReplanRemindersCommand): Promise<ReminderChanges> {
    const from = Temporal.Instant.from(now);
    const window = { from: from.toString(), to: from.add({ hours: horizonHours }).toString() };
    const record = await this.events.find(eventId);
    const planned = planReminders(eventId, record?.fields ?? null, window, record?.fields.attendees ?? []);
    const changes = reconcileReminders(
      await this.store.pending(eventId, window.from, window.to),
      planned,
      await this.store.firedKeys(eventId),
    );
    if (changes.add.length + changes.move.length + changes.cancel.length > 0) await this.store.apply(changes);
    return changes;
  }
}
