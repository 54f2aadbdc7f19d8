import { CATALOG_STOCK_LEVELS_TOPIC, ORDERING_ORDERS_TOPIC, PAYMENTS_TOPIC } from '@archipelago/commerce-contracts';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import { NOTIFICATIONS_EVENTS } from '@archipelago/notifications-contracts';
import type { MessageHandler, Subscription } from '@archipelago/platform-messaging';
import { CREDENTIALS_EVENTS, REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { CALENDAR_EVENTS, TASKS_EVENTS } from '@archipelago/scheduling-contracts';
import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { DeadDeliverySqlRepository } from './dead-delivery.sql.repository.js';
import { emailDeliveryQueue, pushDeliveryQueue } from './delivery.sql.repository.js';
import { NotificationSqlRepository, NOTIFICATIONS_CONSUMER_GROUP } from './notification.sql.repository.js';
import { NOTIFICATIONS_DATABASE } from './notifications.data-source.js';
import { PushSubscriptionSqlRepository } from './push-subscription.sql.repository.js';
import { PostgresStreamSignals, StreamTicketSqlRepository } from './stream.repository.js';

/** Every topic the notifications service consumes (group `notifications.notifications`). */
export const CONSUMED_TOPICS: readonly string[] = [
  IDENTITY_EVENTS.UserRegisteredV1.topic,
  IDENTITY_EVENTS.UserRolesChangedV1.topic,
  IDENTITY_EVENTS.EmailVerificationRequestedV1.topic,
  IDENTITY_EVENTS.RegistrationAttemptedV1.topic,
  IDENTITY_EVENTS.PasswordResetRequestedV1.topic,
  IDENTITY_EVENTS.TotpEnabledV1.topic,
  IDENTITY_EVENTS.TotpDisabledV1.topic,
  IDENTITY_EVENTS.EmailOtpRequestedV1.topic,
  IDENTITY_EVENTS.PasswordChangedV1.topic,
  IDENTITY_EVENTS.NewSignInDetectedV1.topic,
  ORDERING_ORDERS_TOPIC,
  PAYMENTS_TOPIC,
  CATALOG_STOCK_LEVELS_TOPIC,
  CALENDAR_EVENTS.ReminderDueV1.topic,
  TASKS_EVENTS.TaskAssignedV1.topic,
  TASKS_EVENTS.TaskDueSoonV1.topic,
  REGISTRY_EVENTS.ClaimRaisedV1.topic,
  REGISTRY_EVENTS.ClaimAttestedV1.topic,
  REGISTRY_EVENTS.ClaimRejectedV1.topic,
  REGISTRY_EVENTS.EntityInvitedV1.topic,
  REGISTRY_EVENTS.EntityDeletedV1.topic,
  CREDENTIALS_EVENTS.CredentialIssuedV1.topic,
  CREDENTIALS_EVENTS.CredentialRevokedV1.topic,
];

/**
 * Everything the notifications adapters stand on (see {@link ServiceInfrastructure}): the SQL
 * repository of notifications, projections and preferences, the e-mail and push delivery
 * queues and their dead deliveries, the push subscriptions, the stream tickets and the
 * stream signals (LISTEN/NOTIFY). `NotificationsInfrastructure.open(config)`
 * connects; `start()` starts the outbox relay; `close()` stops it.
 */
export class NotificationsInfrastructure extends ServiceInfrastructure {
  static override readonly database = NOTIFICATIONS_DATABASE;

  readonly repository = new NotificationSqlRepository(this.pool, this.config.schema, this.messaging.outbox);
  /** E-mail deliveries. */
  readonly deliveries = emailDeliveryQueue(this.pool, this.config.schema);
  /** Web push deliveries (one per notification × subscription) and the subscriptions. */
  readonly pushDeliveries = pushDeliveryQueue(this.pool, this.config.schema);
  readonly pushSubscriptions = new PushSubscriptionSqlRepository(this.pool, this.config.schema);
  /** Dead deliveries of every channel, for operators (`dead-deliveries list|retry`) and the metrics. */
  readonly deadDeliveries = new DeadDeliverySqlRepository(this.pool, this.config.schema);
  readonly streamTickets = new StreamTicketSqlRepository(this.pool, this.config.schema);
  /** LISTEN/NOTIFY fan-out of stream signals across replicas. */
  readonly streamSignals = new PostgresStreamSignals(this.config.databaseUrl, this.config.schema, this.config.onError);

  /** Starts messaging (outbox relay, retention) and the stream signals' LISTEN connection. */
  override async start(): Promise<void> {
    await super.start();
    await this.streamSignals.start();
  }

  /** Stops the stream signals, then everything {@link ServiceInfrastructure.close} stops; safe to call twice. */
  override async close(): Promise<void> {
    await this.streamSignals.close();
    await super.close();
  }

  /**
   * Subscribes consumer group `notifications.notifications` (or `group`, for tests sharing a
   * broker) to {@link CONSUMED_TOPICS}; `handler` must be idempotent (the use case records each
   * event in the inbox). With kafka, creates the topics (and the service's own) first.
   */
  async subscribeIntegrationEvents(
    handler: MessageHandler,
    group = NOTIFICATIONS_CONSUMER_GROUP,
  ): Promise<Subscription> {
    await this.messaging.ensureTopics([...CONSUMED_TOPICS, NOTIFICATIONS_EVENTS.NotificationCreatedV1.topic]);
    return this.messaging.subscribe(group, CONSUMED_TOPICS, handler);
  }
}
