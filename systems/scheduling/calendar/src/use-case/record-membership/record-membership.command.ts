import type { InboxEntry, MembershipChange } from '../port/workspace-membership.port.js';

/** Record a membership change consumed from tasks (WorkspaceMemberAddedV1 / RemovedV1). */
export class RecordMembershipCommand {
  constructor(
    readonly change: MembershipChange,
    readonly inbox: InboxEntry,
  ) {}
}
