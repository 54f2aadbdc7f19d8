import { WORKSPACES_EVENTS } from '@archipelago/scheduling-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RecordMembershipCommand } from '../../use-case/record-membership/record-membership.command.js';

const { WorkspaceMemberAddedV1, WorkspaceMemberRemovedV1 } = WORKSPACES_EVENTS;

/** Consumer group of calendar for tasks' workspace events (contract: `scheduling.calendar`). */
export const CALENDAR_CONSUMER_GROUP = 'scheduling.calendar';

/** The topics calendar consumes. */
export const MEMBERSHIP_TOPICS = [WorkspaceMemberAddedV1.topic, WorkspaceMemberRemovedV1.topic] as const;

/**
 * Consumer of tasks' membership events: validates each against the contract schema and records the
 * change (inbox + effect in one transaction). A malformed payload throws (retried, then
 * dead-lettered); an unknown type is skipped.
 */
@Injectable()
export class WorkspaceMembershipMessageHandler {
  constructor(private readonly commands: CommandBus) {}

  /** Handles one message; `consumerGroup` names the inbox. */
  async handle(message: IncomingMessage, consumerGroup: string = CALENDAR_CONSUMER_GROUP): Promise<void> {
    const inbox = { consumerGroup, messageId: message.id, topic: message.topic };
    switch (message.type) {
      case WorkspaceMemberAddedV1.type: {
        const { workspaceId, userId, role } = WorkspaceMemberAddedV1.schema.parse(message.payload);
        await this.commands.execute(new RecordMembershipCommand({ workspaceId, userId, role }, inbox));
        return;
      }
      case WorkspaceMemberRemovedV1.type: {
        const { workspaceId, userId } = WorkspaceMemberRemovedV1.schema.parse(message.payload);
        await this.commands.execute(new RecordMembershipCommand({ workspaceId, userId, role: null }, inbox));
        return;
      }
      default:
        return;
    }
  }
}
