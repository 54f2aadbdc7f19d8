import { Caller, Public } from '@archipelago/platform-auth';
import { ApiProblemResponses, ApiZodResponse, ZodBody, ZodParams, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get, HttpCode, HttpException, Patch, Post, Put, UnauthorizedException } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Notification } from '../../entity/notification/notification.js';
import {
  GetPreferencesQuery,
  ListNotificationsQuery,
  ReadAllCommand,
  SavePreferencesCommand,
  UnreadCountQuery,
  UpdateNotificationCommand,
} from '../../use-case/inbox/inbox.messages.js';
import { IssueStreamTicketCommand } from '../../use-case/inbox/stream.use-cases.js';
import type { NotificationPage } from '../../use-case/port/notification.repository.port.js';
import {
  type ListNotificationsQueryDto,
  listNotificationsQuery,
  notificationDto,
  notificationIdParams,
  notificationPageDto,
  preferencesBody,
  type PreferencesBody,
  preferencesDto,
  readAllDto,
  streamQuery,
  type StreamQueryDto,
  streamTicketDto,
  unreadCountDto,
  updateNotificationBody,
  type UpdateNotificationBody,
} from './notification.schemas.js';

/** The public shape of a notification (the recipient is the caller, not repeated). */
export function toNotificationDto(n: Notification) {
  return {
    id: n.id,
    category: n.category,
    title: n.title,
    body: n.body,
    link: n.link,
    data: n.data,
    read: n.read,
    archived: n.archived,
    createdAt: n.createdAt,
    sourceEventId: n.sourceEventId,
  };
}

/**
 * The caller's inbox at `/notifications/v1/notifications` and preferences at
 * `/notifications/v1/preferences`. Any valid access token (401 without one); every route acts on
 * the caller's own notifications only (another user's is 404).
 */
@ApiTags('notifications')
@Controller('notifications/v1')
export class NotificationsHttpHandler {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get('notifications')
  @ApiOperation({
    summary: "The caller's notifications, newest first",
    description:
      'Keyset pages of `limit` (1–100, default 20); pass `nextCursor` back as `cursor`. `after` = the id of the last notification the client has seen: only newer ones are returned. `status` filters unread, read or archived ones (none: every one not archived).',
  })
  @ApiZodResponse(200, notificationPageDto)
  @ApiProblemResponses(400, 401)
  async list(@Caller() caller: Caller, @ZodQuery(listNotificationsQuery) query: ListNotificationsQueryDto) {
    const page: NotificationPage = await this.queries.execute(
      new ListNotificationsQuery(caller.id, query.limit, query.status, query.after, query.cursor),
    );
    return { items: page.items.map(toNotificationDto), nextCursor: page.nextCursor };
  }

  @Get('notifications/unread-count')
  @ApiOperation({
    summary: 'How many unread notifications the caller has',
    description: 'Unread and not archived notifications of the caller (a badge count).',
  })
  @ApiZodResponse(200, unreadCountDto)
  @ApiProblemResponses(401)
  async unreadCount(@Caller() caller: Caller) {
    const unread: number = await this.queries.execute(new UnreadCountQuery(caller.id));
    return { unread };
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  @ApiOperation({
    summary: "Mark all the caller's notifications read",
    description: 'Idempotent; answers how many became read. Each change is pushed to the caller’s live streams.',
  })
  @ApiZodResponse(200, readAllDto)
  @ApiProblemResponses(401)
  async readAll(@Caller() caller: Caller) {
    const updated: number = await this.commands.execute(new ReadAllCommand(caller.id));
    return { updated };
  }

  @Patch('notifications/:id')
  @ApiOperation({
    summary: 'Mark a notification read/unread, archived/unarchived',
    description:
      'Idempotent: the same body twice answers the same notification. 404 `NOTIFICATION.NOT_FOUND` for an unknown id or another user’s notification.',
  })
  @ApiZodResponse(200, notificationDto)
  @ApiProblemResponses(400, 401, 404)
  async update(
    @Caller() caller: Caller,
    @ZodParams(notificationIdParams) params: { id: string },
    @ZodBody(updateNotificationBody) body: UpdateNotificationBody,
  ) {
    const updated: Notification = await this.commands.execute(
      new UpdateNotificationCommand(caller.id, params.id, body),
    );
    return toNotificationDto(updated);
  }

  @Get('preferences')
  @ApiOperation({
    summary: "The caller's preferences: every category × channel (in_app, email, push)",
    description: 'Defaults: in_app and email on, push off. `security` is critical: sent whatever its preferences say.',
  })
  @ApiZodResponse(200, preferencesDto)
  @ApiProblemResponses(401)
  preferences(@Caller() caller: Caller) {
    return this.queries.execute(new GetPreferencesQuery(caller.id));
  }

  @Put('preferences')
  @ApiOperation({
    summary: "Change some of the caller's preferences",
    description: 'Categories and channels left out keep their value; answers the whole matrix after the change.',
  })
  @ApiZodResponse(200, preferencesDto)
  @ApiProblemResponses(400, 401)
  savePreferences(@Caller() caller: Caller, @ZodBody(preferencesBody) body: PreferencesBody) {
    return this.commands.execute(new SavePreferencesCommand(caller.id, body));
  }

  @Post('stream-tickets')
  @HttpCode(201)
  @ApiOperation({
    summary: 'A ticket to open the live stream',
    description:
      'Browsers cannot set headers on `new WebSocket()`: pass this ticket as `?ticket=` to `GET /notifications/v1/stream`. 32 random bytes (base64url), stored hashed (SHA-256), single use, valid 60 s.',
  })
  @ApiZodResponse(201, streamTicketDto)
  @ApiProblemResponses(401)
  issueStreamTicket(@Caller() caller: Caller): Promise<{ ticket: string; expiresAt: string }> {
    return this.commands.execute(new IssueStreamTicketCommand(caller.id));
  }

  @Get('stream')
  @Public()
  @ApiOperation({
    summary: 'Live stream of the ticket holder’s notifications (WebSocket)',
    description:
      'Send `Connection: Upgrade`, `Upgrade: websocket` (RFC 6455) with `?ticket=` from `POST /notifications/v1/stream-tickets` (no bearer token). A missing, unknown, expired or used ticket is refused with 401 before the upgrade. After 101 the server first replays the notifications newer than `after` (oldest first), then sends every new notification and read-state change as JSON `{ "type": "notification" | "read-state", "notification": Notification }`, and pings every 25 s. Read-state changes made while the client was away are not replayed: refetch the list or `unread-count` after every (re)connect. Close code 1012 (Service Restart) means the server may have missed updates for this socket: reconnect (new ticket) with `after` = the last notification id seen. A plain GET (no upgrade) with a ticket answers 426 and leaves the ticket unused.',
  })
  @ApiResponse({ status: 101, description: 'Switching Protocols: the WebSocket is open' })
  @ApiProblemResponses(400, 401, 426)
  stream(@ZodQuery(streamQuery) query: StreamQueryDto): never {
    if (!query.ticket)
      throw new UnauthorizedException('a stream ticket is required (POST /notifications/v1/stream-tickets)');
    throw new HttpException('Upgrade Required: open this URL as a WebSocket', 426);
  }
}
