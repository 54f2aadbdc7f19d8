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

/**
 * Issues a single-use ticket for the caller's live stream (`GET /notifications/v1/stream?ticket=`,
 * since browsers cannot set headers on `new WebSocket()`): `{ ticket, expiresAt }`, `expiresAt` an
 * ISO 8601 instant {@link STREAM_TICKET_TTL_MS} from now. Only the ticket's hash is stored.
 */
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

/**
 * Redeems a presented ticket once: the id of the user it was issued to, or null when it is empty,
 * unknown, expired or already used (the WebSocket handshake then answers 401). Never throws for a
 * bad ticket.
 */
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

/** One of the user's in-app notifications (what the stream sends), or null: unknown, e-mail-only or another user's. */
@QueryHandler(GetNotificationQuery)
export class GetNotificationUseCase implements IQueryHandler<GetNotificationQuery, Notification | null> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(q: GetNotificationQuery): Promise<Notification | null> {
    return this.repository.get(q.userId, q.notificationId);
  }
}
