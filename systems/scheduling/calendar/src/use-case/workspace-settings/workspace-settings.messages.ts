/** Replace the default reminders of a workspace (`PUT /scheduling/v1/calendars/{workspaceId}/settings`). */
export class SetWorkspaceSettingsCommand {
  constructor(
    readonly workspaceId: string,
    /** The request's `defaultReminders`, validated by the use case (util-calendar `validateReminders`). */
    readonly defaultReminders: unknown,
    readonly actorId: string,
  ) {}
}

/** The calendar settings of a workspace, for a member. */
export class GetWorkspaceSettingsQuery {
  constructor(
    readonly workspaceId: string,
    readonly actorId: string,
  ) {}
}
