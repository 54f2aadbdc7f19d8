/** Make a new secret feed token for the caller's `.ics` feed of a workspace (`POST …/{workspaceId}/feed-token`). */
export class RotateFeedTokenCommand {
  constructor(
    readonly workspaceId: string,
    readonly actorId: string,
  ) {}
}
