import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Notification } from '../../entity/notification/notification.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { NOTIFICATION_REPOSITORY, type NotificationRepositoryPort } from '../port/notification.repository.port.js';
import {
  STREAM_TICKETS,
  type StreamTicketRepositoryPort,
  TICKET_SECRETS,
  type TicketSecretPort,
} from '../port/stream.port.js';

/** How long a stream ticket may be used (ms): long enough to open a WebSocket, short enough to be useless if leaked. */
export const STREAM_TICKET_TTL_MS = 60_000;

/** Issue a single-use stream ticket for the caller. */
export class IssueStreamTicketCommand {
  constructor(readonly userId: string) {}
}

/** Redeem a presented ticket (single use): the user it was issued to, or null. */
export class RedeemStreamTicketCommand {
  constructor(readonly ticket: string) {}
}

/** One of the user's visible notifications, or null. */
export class GetNotificationQuery {
  constructor(
    readonly userId: string,
    readonly notificationId: string,
  ) {}
}

@CommandHandler(IssueStreamTicketCommand)
export class IssueStreamTicketUseCase implements ICommandHandler<
  IssueStreamTicketCommand,
  { ticket: string; expiresAt: string }
> {
  constructor(
    @Inject(TICKET_SECRETS) private readonly secrets: TicketSecretPort,
    @Inject(STREAM_TICKETS) private readonly tickets: StreamTicketRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId }: IssueStreamTicketCommand) {
    const { ticket, hash } = this.secrets.issue();
    const expiresAt = new Date(Date.parse(this.clock.now()) + STREAM_TICKET_TTL_MS).toISOString();
    await this.tickets.save(hash, userId, expiresAt);
    return { ticket, expiresAt };
  }
}

@CommandHandler(RedeemStreamTicketCommand)
export class RedeemStreamTicketUseCase implements ICommandHandler<RedeemStreamTicketCommand, string | null> {
  constructor(
    @Inject(TICKET_SECRETS) private readonly secrets: TicketSecretPort,
    @Inject(STREAM_TICKETS) private readonly tickets: StreamTicketRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  execute({ ticket }: RedeemStreamTicketCommand): Promise<string | null> {
    if (!ticket) return Promise.resolve(null);
    return this.tickets.redeem(this.secrets.hash(ticket), this.clock.now());
  }
}

@QueryHandler(GetNotificationQuery)
export class GetNotificationUseCase implements IQueryHandler<GetNotificationQuery, Notification | null> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(q: GetNotificationQuery): Promise<Notification | null> {
    return this.repository.get(q.userId, q.notificationId);
  }
}
