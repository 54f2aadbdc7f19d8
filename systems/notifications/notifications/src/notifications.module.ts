import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { NodemailerEmailGateway, type SmtpSettings } from './gateway/nodemailer-email.gateway.js';
import { RandomTicketSecretGateway } from './gateway/random-ticket-secret.gateway.js';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import type { VapidKeys } from './gateway/vapid-keys.js';
import { WebPushGateway } from './gateway/web-push.gateway.js';
import { NotificationsHttpHandler } from './handler/http/notifications.http-handler.js';
import { PushHttpHandler } from './handler/http/push.http-handler.js';
import { EMAIL_DELIVERY_JOB_OPTIONS, EmailDeliveryJob } from './handler/job/email-delivery.job.js';
import { PUSH_DELIVERY_JOB_OPTIONS, PushDeliveryJob } from './handler/job/push-delivery.job.js';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import {
  NotificationStreamWsHandler,
  STREAM_OPTIONS,
  type StreamOptions,
} from './handler/ws/notification-stream.ws-handler.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';
import { DeliverEmailsUseCase } from './use-case/deliver-emails/deliver-emails.use-case.js';
import { DeliverPushUseCase } from './use-case/deliver-push/deliver-push.use-case.js';
import { EraseDeletedEntityUseCase } from './use-case/erase-deleted-entity/erase-deleted-entity.use-case.js';
import { HandleEventUseCase } from './use-case/handle-event/handle-event.use-case.js';
import {
  GetPreferencesUseCase,
  ListNotificationsUseCase,
  ReadAllUseCase,
  SavePreferencesUseCase,
  UnreadCountUseCase,
  UpdateNotificationUseCase,
} from './use-case/inbox/inbox.use-cases.js';
import {
  GetNotificationUseCase,
  IssueStreamTicketUseCase,
  RedeemStreamTicketUseCase,
} from './use-case/inbox/stream.use-cases.js';
import {
  DeletePushSubscriptionUseCase,
  GetVapidPublicKeyUseCase,
  ListPushSubscriptionsUseCase,
  SubscribePushUseCase,
} from './use-case/push-subscriptions/push-subscriptions.use-cases.js';
import { STREAM_SIGNALS, STREAM_TICKETS, TICKET_SECRETS } from './use-case/port/stream.port.js';
import { CLOCK } from './use-case/port/clock.port.js';
import {
  DELIVERY_REPOSITORY,
  EMAIL_DELIVERY_POLICY,
  EMAIL_SENDER,
  type EmailDeliveryPolicy,
} from './use-case/port/email.port.js';
import { NOTIFICATION_REPOSITORY } from './use-case/port/notification.repository.port.js';
import {
  PUSH_DELIVERY_POLICY,
  PUSH_DELIVERY_QUEUE,
  PUSH_SENDER,
  PUSH_SETTINGS,
  PUSH_SUBSCRIPTIONS,
  type PushDeliveryPolicy,
  type PushSettings,
} from './use-case/port/push.port.js';

/** Domain error code → HTTP status of the notifications public API. */
export const NOTIFICATIONS_DOMAIN_ERRORS = {
  'NOTIFICATION.NOT_FOUND': 404,
  'PUSH_SUBSCRIPTION.NOT_FOUND': 404,
  'PUSH_SUBSCRIPTION.INVALID': 400,
  'PUSH_SUBSCRIPTION.ENDPOINT_NOT_ALLOWED': 400,
} as const;

/** E-mail delivery: the SMTP server, the job's interval and the retry policy. */
export interface EmailOptions {
  readonly smtp: SmtpSettings;
  readonly pollMs: number;
  readonly policy: EmailDeliveryPolicy;
  readonly onError?: (error: unknown) => void;
}

/** Web push: the VAPID keys, which endpoints are accepted, and (pollMs > 0) the delivery job. */
export interface PushOptions {
  readonly vapid: VapidKeys;
  /** Accept `http:` endpoints (local push services); production: false. */
  readonly allowHttpEndpoints: boolean;
  /**
   * Host patterns of the push services subscriptions may name (`fcm.googleapis.com`,
   * `*.push.apple.com`, `127.0.0.1` …); an endpoint on any other host is refused (SSRF).
   */
  readonly allowedEndpointHosts: readonly string[];
  /** Subscriptions kept per user (the newest). */
  readonly maxSubscriptionsPerUser: number;
  /** Delivery round interval (ms); 0: no push is sent (deliveries stay pending). */
  readonly pollMs: number;
  /** The delivery policy; its `allowedEndpointHosts` are this options' own. */
  readonly policy: Omit<PushDeliveryPolicy, 'allowedEndpointHosts'>;
  readonly onError?: (error: unknown) => void;
}

/** What the module runs besides HTTP: the stream's pings and (when given) e-mail and push delivery. */
export interface NotificationsOptions {
  readonly stream?: StreamOptions;
  /** Without it no e-mail is sent (deliveries stay pending). */
  readonly email?: EmailOptions;
  /** Without it the push subscription routes are absent and no push is sent. */
  readonly push?: PushOptions;
}

/**
 * Wiring of the notifications service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`). The integration
 * events consumer ({@link IntegrationEventsMessageHandler}) is subscribed by main.ts; the live
 * stream ({@link NotificationStreamWsHandler}) attaches to the HTTP server's `upgrade` event.
 */
@Module({})
export class NotificationsModule {
  static forRoot(
    infrastructure: NotificationsInfrastructure,
    auth: AuthOptions,
    options: NotificationsOptions = {},
  ): DynamicModule {
    const email = options.email;
    const push = options.push;
    const pushSettings: PushSettings | undefined = push && {
      vapidPublicKey: push.vapid.publicKey,
      allowHttpEndpoints: push.allowHttpEndpoints,
      allowedEndpointHosts: push.allowedEndpointHosts,
      maxSubscriptionsPerUser: push.maxSubscriptionsPerUser,
    };
    return {
      module: NotificationsModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [NotificationsHttpHandler, ...(push ? [PushHttpHandler] : [])],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: NotificationsInfrastructure, useValue: infrastructure },
        { provide: NOTIFICATION_REPOSITORY, useValue: infrastructure.repository },
        { provide: STREAM_TICKETS, useValue: infrastructure.streamTickets },
        { provide: STREAM_SIGNALS, useValue: infrastructure.streamSignals },
        { provide: STREAM_OPTIONS, useValue: options.stream ?? { pingMs: 25_000 } },
        { provide: CLOCK, useClass: SystemClockGateway },
        { provide: TICKET_SECRETS, useClass: RandomTicketSecretGateway },
        NotificationStreamWsHandler,
        IssueStreamTicketUseCase,
        RedeemStreamTicketUseCase,
        GetNotificationUseCase,
        IntegrationEventsMessageHandler,
        HandleEventUseCase,
        EraseDeletedEntityUseCase,
        ListNotificationsUseCase,
        UnreadCountUseCase,
        UpdateNotificationUseCase,
        ReadAllUseCase,
        GetPreferencesUseCase,
        SavePreferencesUseCase,
        ...(email
          ? [
              { provide: DELIVERY_REPOSITORY, useValue: infrastructure.deliveries },
              { provide: EMAIL_SENDER, useValue: new NodemailerEmailGateway(email.smtp) },
              { provide: EMAIL_DELIVERY_POLICY, useValue: email.policy },
              { provide: EMAIL_DELIVERY_JOB_OPTIONS, useValue: { pollMs: email.pollMs, onError: email.onError } },
              DeliverEmailsUseCase,
              EmailDeliveryJob,
            ]
          : []),
        ...(push
          ? [
              { provide: PUSH_SETTINGS, useValue: pushSettings },
              { provide: PUSH_SUBSCRIPTIONS, useValue: infrastructure.pushSubscriptions },
              SubscribePushUseCase,
              ListPushSubscriptionsUseCase,
              DeletePushSubscriptionUseCase,
              GetVapidPublicKeyUseCase,
            ]
          : []),
        ...(push && push.pollMs > 0
          ? [
              { provide: PUSH_DELIVERY_QUEUE, useValue: infrastructure.pushDeliveries },
              { provide: PUSH_SENDER, useValue: new WebPushGateway(push.vapid) },
              {
                provide: PUSH_DELIVERY_POLICY,
                useValue: { ...push.policy, allowedEndpointHosts: push.allowedEndpointHosts },
              },
              { provide: PUSH_DELIVERY_JOB_OPTIONS, useValue: { pollMs: push.pollMs, onError: push.onError } },
              DeliverPushUseCase,
              PushDeliveryJob,
            ]
          : []),
      ],
    };
  }
}
