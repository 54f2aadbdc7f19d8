import type { IncomingMessage as HttpRequest, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Notification } from '../../entity/notification/notification.js';
import { ListNotificationsQuery } from '../../use-case/inbox/inbox.messages.js';
import { GetNotificationQuery, RedeemStreamTicketCommand } from '../../use-case/inbox/stream.use-cases.js';
import type { NotificationPage } from '../../use-case/port/notification.repository.port.js';
import { STREAM_SIGNALS, type StreamSignal, type StreamSignalsPort } from '../../use-case/port/stream.port.js';
import { toNotificationDto } from '../http/notifications.http-handler.js';

/** Path of the live stream (the WebSocket upgrade is answered on it). */
export const STREAM_PATH = '/notifications/v1/stream';

/** Options of the live stream. */
export interface StreamOptions {
  /** Ping interval (ms); shorter than every proxy's idle timeout (Kong's read_timeout is 60 s). Default 25 000. */
  readonly pingMs: number;
}
export const STREAM_OPTIONS = Symbol('StreamOptions');

const streamQuery = z.object({
  ticket: z.string().max(200).optional(),
  after: z.uuid().optional(),
});

/**
 * Close reason (with code 1012, Service Restart) when this replica may have missed signals: the
 * client reconnects with `after` = the last id it saw, and refetches read state (as after any drop).
 */
const RESYNC_REASON = 'live updates were interrupted; reconnect with after';

interface Connection {
  readonly ws: WebSocket;
  readonly userId: string;
  alive: boolean;
  /** Signals that came during the replay, sent after it. */
  pending: StreamSignal[] | null;
  /** Deliveries in signal order (each reads its notification first). */
  chain: Promise<void>;
}

/** A problem+json answer written on the raw socket, before (instead of) the upgrade. */
function refuse(socket: Duplex, status: 400 | 401, detail: string): void {
  const title = status === 401 ? 'Unauthorized' : 'Bad Request';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The live stream: `GET /notifications/v1/stream?ticket=<ticket>&after=<id>` upgrades to a
 * WebSocket (RFC 6455, the `ws` package in `noServer` mode on Fastify's HTTP server). A missing,
 * unknown, expired or used ticket is refused with 401 problem+json before the upgrade. The server
 * first replays the user's notifications newer than `after` (oldest first), then sends each new
 * notification and each read-state change as JSON `{ type: "notification" | "read-state",
 * notification }` — from whichever replica made it (Postgres LISTEN/NOTIFY) — and pings every
 * `pingMs` (a socket that missed a pong is closed). When this replica may have missed signals (its
 * LISTEN connection was lost), every open socket is closed with 1012 (Service Restart) once it
 * listens again, so clients reconnect with `after` and lose nothing. Read-state changes are not
 * replayed: a client refetches the list or unread count on every reconnect.
 */
@Injectable()
export class NotificationStreamWsHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly byUser = new Map<string, Set<Connection>>();
  private pinger: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private unsubscribeGaps: (() => void) | undefined;
  private readonly onUpgrade = (req: HttpRequest, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head);

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(STREAM_SIGNALS) private readonly signals: StreamSignalsPort,
    @Inject(STREAM_OPTIONS) private readonly options: StreamOptions,
  ) {}

  /** How many sockets are open on this replica. */
  get connections(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  onApplicationBootstrap(): void {
    const server = this.adapter.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', this.onUpgrade);
    this.unsubscribe = this.signals.subscribe((signal) => void this.onSignal(signal));
    this.unsubscribeGaps = this.signals.onGap(() => this.closeAll(1012, RESYNC_REASON));
    this.pinger = setInterval(() => this.pingAll(), this.options.pingMs);
    this.pinger.unref();
  }

  onApplicationShutdown(): void {
    (this.adapter.httpAdapter?.getHttpServer() as Server | undefined)?.off('upgrade', this.onUpgrade);
    clearInterval(this.pinger);
    this.unsubscribe?.();
    this.unsubscribeGaps?.();
    this.closeAll(1001, 'server shutting down');
    this.byUser.clear();
    this.wss.close();
  }

  private async upgrade(req: HttpRequest, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== STREAM_PATH) {
        socket.destroy();
        return;
      }
      const query = streamQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!query.success) {
        refuse(socket, 400, 'after must be a notification id (UUID)');
        return;
      }
      const userId: string | null = await this.commands.execute(new RedeemStreamTicketCommand(query.data.ticket ?? ''));
      if (!userId) {
        refuse(
          socket,
          401,
          'a valid stream ticket is required (POST /notifications/v1/stream-tickets); tickets are single use and expire after 60 s',
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, userId, query.data.after));
    } catch {
      socket.destroy();
    }
  }

  private async open(ws: WebSocket, userId: string, after: string | undefined): Promise<void> {
    const connection: Connection = { ws, userId, alive: true, pending: after ? [] : null, chain: Promise.resolve() };
    const set = this.byUser.get(userId) ?? new Set<Connection>();
    set.add(connection);
    this.byUser.set(userId, set);
    ws.on('pong', () => (connection.alive = true));
    ws.on('close', () => {
      set.delete(connection);
      if (set.size === 0) this.byUser.delete(userId);
    });
    ws.on('error', () => ws.terminate());
    if (!after) return;
    try {
      const missed = await this.missedSince(userId, after);
      for (const n of missed) this.send(connection, 'notification', n);
      const pending = connection.pending ?? [];
      connection.pending = null;
      const replayed = new Set(missed.map((n) => n.id));
      for (const signal of pending) {
        if (!(signal.t === 'n' && replayed.has(signal.id))) await this.deliver(connection, signal);
      }
    } catch {
      ws.close(1011, 'replay failed');
    }
  }

  /** The user's notifications newer than `after`, oldest first. */
  private async missedSince(userId: string, after: string): Promise<Notification[]> {
    const items: Notification[] = [];
    let cursor: string | undefined;
    do {
      const page: NotificationPage = await this.queries.execute(
        new ListNotificationsQuery(userId, 100, undefined, after, cursor),
      );
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items.reverse();
  }

  private async onSignal(signal: StreamSignal): Promise<void> {
    const set = this.byUser.get(signal.user);
    if (!set) return;
    for (const connection of set) {
      if (connection.pending) connection.pending.push(signal);
      else connection.chain = connection.chain.then(() => this.deliver(connection, signal)).catch(() => {});
    }
  }

  private async deliver(connection: Connection, signal: StreamSignal): Promise<void> {
    const notification: Notification | null = await this.queries.execute(
      new GetNotificationQuery(signal.user, signal.id),
    );
    if (notification) this.send(connection, signal.t === 'n' ? 'notification' : 'read-state', notification);
  }

  private send(connection: Connection, type: 'notification' | 'read-state', notification: Notification): void {
    if (connection.ws.readyState !== connection.ws.OPEN) return;
    connection.ws.send(JSON.stringify({ type, notification: toNotificationDto(notification) }));
  }

  private closeAll(code: 1001 | 1012, reason: string): void {
    for (const set of this.byUser.values()) for (const c of set) c.ws.close(code, reason);
  }

  private pingAll(): void {
    for (const set of this.byUser.values()) {
      for (const connection of set) {
        if (!connection.alive) {
          connection.ws.terminate();
          continue;
        }
        connection.alive = false;
        connection.ws.ping();
      }
    }
  }
}
