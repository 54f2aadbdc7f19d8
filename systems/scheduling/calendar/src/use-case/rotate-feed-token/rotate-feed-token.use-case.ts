import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { FEED_TOKENS, type FeedTokenPort } from '../port/feed-token.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { requireMember } from '../workspace-access.js';
import { RotateFeedTokenCommand } from './rotate-feed-token.command.js';

/** The new token (shown once: only its hash is kept) and the feed URL path that carries it. */
export interface FeedTokenResult {
  readonly token: string;
  /** `/scheduling/v1/calendars/{workspaceId}.ics?token=…` (URL-encoded workspace id). */
  readonly url: string;
  readonly createdAt: string;
}

/**
 * Makes a fresh feed token for the caller (a member, any role) and workspace; the previous one
 * stops working (see {@link FeedTokenPort}).
 * @throws WorkspaceNotFoundError (404) when the caller is not a member
 */
@CommandHandler(RotateFeedTokenCommand)
export class RotateFeedTokenUseCase implements ICommandHandler<RotateFeedTokenCommand, FeedTokenResult> {
  constructor(
    @Inject(FEED_TOKENS) private readonly tokens: FeedTokenPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ workspaceId, actorId }: RotateFeedTokenCommand): Promise<FeedTokenResult> {
    await requireMember(this.memberships, workspaceId, actorId);
    const createdAt = this.clock.now();
    const token = await this.tokens.issue(workspaceId, actorId, createdAt);
    return {
      token,
      url: `/scheduling/v1/calendars/${encodeURIComponent(workspaceId)}.ics?token=${token}`,
      createdAt,
    };
  }
}
