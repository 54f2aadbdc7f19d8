import type { Notification } from '../../entity/notification/notification.js';

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

/** What became of a claimed delivery. */
export type DeliveryOutcome =
  | { readonly kind: 'sent'; readonly at: string }
  | { readonly kind: 'retry'; readonly attempts: number; readonly nextAttemptAt: string; readonly error: string }
  | { readonly kind: 'dead'; readonly attempts: number; readonly error: string };

/** The outbound deliveries (one per notification × channel). */
export interface DeliveryRepositoryPort {
  /**
   * Claims up to `limit` pending e-mail deliveries due at `now`, one after the other (FOR UPDATE
   * SKIP LOCKED: replicas never claim the same one), lets `work` decide each one's outcome and
   * records it in the transaction that claimed it (one commit per delivery). Returns how many were claimed.
   */
  processDue(now: string, limit: number, work: (delivery: DueDelivery) => Promise<DeliveryOutcome>): Promise<number>;
}
export const DELIVERY_REPOSITORY = Symbol('DeliveryRepositoryPort');

/** Retry policy and links of e-mail deliveries. */
export interface EmailDeliveryPolicy {
  /** Attempts before a delivery is dead (and gets a dead-letter record). */
  readonly maxAttempts: number;
  /** Backoff before the 2nd attempt (ms), doubled per attempt up to `maxBackoffMs`. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Public base URL links in e-mails are made absolute with (e.g. http://localhost:8000). */
  readonly publicBaseUrl: string;
  /** Deliveries claimed per round. */
  readonly batchSize: number;
}
export const EMAIL_DELIVERY_POLICY = Symbol('EmailDeliveryPolicy');
