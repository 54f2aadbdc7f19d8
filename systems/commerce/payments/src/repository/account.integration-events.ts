import {
  PAYMENTS_EVENTS,
  type FundsWithdrawnV1,
  type PaymentCapturedV1,
  type PaymentDeclinedV1,
  type PaymentRefundedV1,
} from '@archipelago/commerce-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { PaymentOutcome, WalletOutcome } from '../use-case/port/account.repository.port.js';

/**
 * Maps outcomes to the published language: saga replies (commerce-saga-contract.md) to topic
 * `commerce.payments.payments.v1`, key = order id; a withdrawal to `commerce.payments.wallet.v1`,
 * key = customer id.
 */
export function toIntegrationEvents(
  outcomes: readonly (PaymentOutcome | WalletOutcome)[],
  traceparent?: string,
  correlationId?: string,
): OutgoingMessage[] {
  const headers = correlationId ? { 'correlation-id': correlationId } : undefined;
  return outcomes.map((outcome) => {
    const message = (event: (typeof PAYMENTS_EVENTS)[keyof typeof PAYMENTS_EVENTS], key: string, payload: unknown): OutgoingMessage => ({
      topic: event.topic,
      type: event.type,
      key,
      payload,
      traceparent,
      ...(headers && { headers }),
    });
    switch (outcome.kind) {
      case 'captured': {
        const { orderId, customerId, amount, transactionId } = outcome;
        return message(PAYMENTS_EVENTS.PaymentCapturedV1, orderId, { orderId, customerId, amount, transactionId } satisfies PaymentCapturedV1);
      }
      case 'declined': {
        const { orderId, customerId, reason } = outcome;
        return message(PAYMENTS_EVENTS.PaymentDeclinedV1, orderId, { orderId, customerId, reason } satisfies PaymentDeclinedV1);
      }
      case 'refunded': {
        const { orderId, customerId, amount, transactionId } = outcome;
        return message(PAYMENTS_EVENTS.PaymentRefundedV1, orderId, { orderId, customerId, amount, transactionId } satisfies PaymentRefundedV1);
      }
      case 'withdrawn': {
        const { customerId, transactionId, amount, balance, at } = outcome;
        return message(PAYMENTS_EVENTS.FundsWithdrawnV1, customerId, {
          customerId,
          transactionId,
          amount,
          balance,
          occurredAt: at,
        } satisfies FundsWithdrawnV1);
      }
    }
  });
}
