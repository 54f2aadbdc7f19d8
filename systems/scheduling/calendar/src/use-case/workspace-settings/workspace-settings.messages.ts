/** Replace the caller's default reminders in a workspace (`PUT /scheduling/v1/calendars/{workspaceId}/settings`). */
export class SetWorkspaceSettingsCommand {
  constructor(
    readonly workspaceId: string,
    /** The request's `defaultReminders`, validated by the use case (util-calendar `validateReminders`). */
    readonly defaultReminders: unknown,
    readonly actorId: string,
  ) {}
}

/** The caller's calendar settings in a workspace of which they are a member. */
export class GetWorkspaceSettingsQuery {
  constructor(
    readonly workspaceId: string,
    readonly actorId: string,
  ) {}
}
