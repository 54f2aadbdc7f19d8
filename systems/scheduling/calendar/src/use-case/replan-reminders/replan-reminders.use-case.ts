import { Temporal } from '@archipelago/util-calendar';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventFields } from '../../entity/event/calendar-event.events.js';
import { planReminders, reconcileReminders, type ReminderChanges } from '../../entity/reminder/reminder-plan.js';
import {
  EVENT_LOOKUP,
  type EventLookupPort,
  REMINDER_STORE,
  type ReminderStorePort,
} from '../port/reminder-store.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { ReplanRemindersCommand } from './replan-reminders.command.js';

/**
 * Who an event's reminders go to: its attendees; with none, the user of a personal workspace
 * (`personal:<sub>`); with none in a shared workspace, its owners (`owners`, from the membership read
 * model when the reminders are planned).
 */
export function recipientsOf(fields: EventFields | undefined, owners: readonly string[] = []): readonly string[] {
  if (!fields) return [];
  if (fields.attendees.length > 0) return fields.attendees;
  return fields.workspaceId.startsWith('personal:') ? [fields.workspaceId.slice('personal:'.length)] : owners;
}

const needsOwners = (fields: EventFields | undefined): fields is EventFields =>
  fields !== undefined && fields.attendees.length === 0 && !fields.workspaceId.startsWith('personal:');

/**
 * Brings the engine's pending reminders of an event in line with the event (run by the projection of
 * every CalendarEvent change, and by the engine when its horizon moves): reminders of new occurrences
 * are added, those of moved occurrences get their new time, those of cancelled occurrences, removed
 * reminders and deleted events are cancelled; a reminder already fired is never planned again.
 * Recipients: {@link recipientsOf}.
 */
@CommandHandler(ReplanRemindersCommand)
export class ReplanRemindersUseCase implements ICommandHandler<ReplanRemindersCommand, ReminderChanges> {
  constructor(
    @Inject(EVENT_LOOKUP) private readonly events: EventLookupPort,
    @Inject(REMINDER_STORE) private readonly store: ReminderStorePort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
  ) {}

  async execute({ eventId, now, horizonHours }: ReplanRemindersCommand): Promise<ReminderChanges> {
    const from = Temporal.Instant.from(now);
    const window = { from: from.toString(), to: from.add({ hours: horizonHours }).toString() };
    const record = await this.events.find(eventId);
    const fields = record?.fields;
    const owners = needsOwners(fields) ? await this.memberships.owners(fields.workspaceId) : [];
    const planned = planReminders(eventId, fields ?? null, window, recipientsOf(fields, owners));
    const changes = reconcileReminders(
      await this.store.pending(eventId, window.from, window.to),
      planned,
      await this.store.firedKeys(eventId),
    );
    if (changes.add.length + changes.move.length + changes.cancel.length > 0) await this.store.apply(changes);
    return changes;
  }
}
