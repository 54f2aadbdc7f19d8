import {
  PAYMENTS_EVENTS,
  type PaymentCapturedV1,
  type PaymentDeclinedV1,
  type PaymentRefundedV1,
} from '@archipelago/commerce-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { PaymentOutcome } from '../use-case/port/account.repository.port.js';

/**
 * Maps saga outcomes to the replies of the published language (commerce-saga-contract.md):
 * topic `commerce.payments.payments.v1`, key = order id.
 */
export function toIntegrationEvents(outcomes: readonly PaymentOutcome[], traceparent?: string, correlationId?: string): OutgoingMessage[] {
  const headers = correlationId ? { 'correlation-id': correlationId } : undefined;
  return outcomes.map((outcome) => {
    const message = (event: (typeof PAYMENTS_EVENTS)[keyof typeof PAYMENTS_EVENTS], payload: unknown): OutgoingMessage => ({
      topic: event.topic,
      type: event.type,
      key: outcome.orderId,
      payload,
      traceparent,
      ...(headers && { headers }),
    });
    switch (outcome.kind) {
      case 'captured': {
        const { orderId, customerId, amount, transactionId } = outcome;
        return message(PAYMENTS_EVENTS.PaymentCapturedV1, { orderId, customerId, amount, transactionId } satisfies PaymentCapturedV1);
      }
      case 'declined': {
        const { orderId, customerId, reason } = outcome;
        return message(PAYMENTS_EVENTS.PaymentDeclinedV1, { orderId, customerId, reason } satisfies PaymentDeclinedV1);
      }
      case 'refunded': {
        const { orderId, customerId, amount, transactionId } = outcome;
        return message(PAYMENTS_EVENTS.PaymentRefundedV1, { orderId, customerId, amount, transactionId } satisfies PaymentRefundedV1);
      }
    }
  });
}
