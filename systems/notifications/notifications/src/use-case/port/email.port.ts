import type { RetryPolicy } from '../../entity/delivery/delivery.js';
import type { Notification } from '../../entity/notification/notification.js';
import type { DeliveryQueuePort } from './delivery.port.js';

export type { DeliveryOutcome } from './delivery.port.js';

/** One e-mail to send. */
export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /**
   * The Message-ID header (RFC 5322 §3.6.4, `<id@domain>`): the same for every attempt of one
   * notification, so a receiver can tell a re-sent message (after a crash) from a new one.
   */
  readonly messageId: string;
}

/** Sends e-mail (SMTP). @throws when the server refuses or cannot be reached (the delivery is retried). */
export interface EmailSenderPort {
  send(email: OutgoingEmail): Promise<void>;
}
export const EMAIL_SENDER = Symbol('EmailSenderPort');

/** A pending delivery whose time has come, with what it needs to be sent. */
export interface DueDelivery {
  readonly id: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly notification: Notification;
  /** The recipient's address (users projection), or null when unknown. */
  readonly email: string | null;
  readonly displayName: string | null;
}

/** The e-mail deliveries (channel `email`). */
export type DeliveryRepositoryPort = DeliveryQueuePort<DueDelivery>;
export const DELIVERY_REPOSITORY = Symbol('DeliveryRepositoryPort');

/** Retry policy and links of e-mail deliveries. */
export interface EmailDeliveryPolicy extends RetryPolicy {
  /** Public base URL links in e-mails are made absolute with (e.g. http://localhost:8000). */
  readonly publicBaseUrl: string;
  /** Deliveries claimed per round. */
  readonly batchSize: number;
}
export const EMAIL_DELIVERY_POLICY = Symbol('EmailDeliveryPolicy');
