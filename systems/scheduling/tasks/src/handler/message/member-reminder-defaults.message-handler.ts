import { CALENDAR_EVENTS } from '@archipelago/scheduling-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RecordReminderDefaultsCommand } from '../../use-case/record-reminder-defaults/record-reminder-defaults.command.js';

const { MemberReminderDefaultsSetV1 } = CALENDAR_EVENTS;

/** Consumer group of tasks for calendar's events (contract: `scheduling.tasks`). */
export const TASKS_CONSUMER_GROUP = 'scheduling.tasks';

/** The topics tasks consumes. */
export const REMINDER_DEFAULTS_TOPICS = [MemberReminderDefaultsSetV1.topic] as const;

/**
 * Consumer of calendar's MemberReminderDefaultsSetV1: validates each against the contract schema and
 * records it (inbox + effect in one transaction). A malformed payload throws (retried, then
 * dead-lettered); an unknown type is skipped.
 */
@Injectable()
export class MemberReminderDefaultsMessageHandler {
  constructor(private readonly commands: CommandBus) {}

  /** Handles one message; `consumerGroup` names the inbox. */
  async handle(message: IncomingMessage, consumerGroup: string = TASKS_CONSUMER_GROUP): Promise<void> {
    if (message.type !== MemberReminderDefaultsSetV1.type) return;
    const { workspaceId, userId, defaultReminders, version, updatedAt } = MemberReminderDefaultsSetV1.schema.parse(
      message.payload,
    );
    await this.commands.execute(
      new RecordReminderDefaultsCommand(
        { workspaceId, userId, defaultReminders, version, updatedAt },
        { consumerGroup, messageId: message.id, topic: message.topic },
      ),
    );
  }
}
