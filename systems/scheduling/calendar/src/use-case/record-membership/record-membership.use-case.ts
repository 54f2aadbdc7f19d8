import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { RecordMembershipCommand } from './record-membership.command.js';

/** Applies a membership change to calendar's read model, once per message (inbox). @returns false for a duplicate */
@CommandHandler(RecordMembershipCommand)
export class RecordMembershipUseCase implements ICommandHandler<RecordMembershipCommand, boolean> {
  constructor(@Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort) {}

  execute({ change, inbox }: RecordMembershipCommand): Promise<boolean> {
    return this.memberships.apply(change, inbox);
  }
}
