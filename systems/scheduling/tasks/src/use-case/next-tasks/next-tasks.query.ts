/** The caller's next tasks to work on (`GET /scheduling/v1/tasks/next`), at most `limit` (1–100). */
export class NextTasksQuery {
  constructor(
    readonly actorId: string,
    readonly limit: number,
    /** The workspace (the caller's personal one when left out); the caller must be a member. */
    readonly workspaceId?: string,
  ) {}
}
