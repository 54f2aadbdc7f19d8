import { CATALOG_EVENTS, CATALOG_STOCK_RESERVATIONS_TOPIC, PAYMENTS_EVENTS, PAYMENTS_TOPIC } from '@archipelago/commerce-contracts';
import type { IncomingMessage, Messaging } from '@archipelago/platform-messaging';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { HandleSagaReplyCommand } from '../../use-case/handle-saga-reply/handle-saga-reply.command.js';

/** DI token of the messaging the reply consumer subscribes with (the service's `Messaging`). */
export const SAGA_MESSAGING = Symbol('SagaMessaging');
/** Consumer group of the saga's replies. */
export const SAGA_REPLIES_GROUP = 'commerce.ordering';
/** Topics the saga listens to: catalog's reservation replies and payments' replies. */
export const SAGA_REPLY_TOPICS = [CATALOG_STOCK_RESERVATIONS_TOPIC, PAYMENTS_TOPIC] as const;

type Reply = HandleSagaReplyCommand['reply'];
const now = () => new Date().toISOString();

/** Contract message → the Order command it means; `undefined` for a type ordering does not handle. */
function toReply(message: IncomingMessage): Reply | undefined {
  const p = message.payload;
  switch (message.type) {
    case CATALOG_EVENTS.StockReservedV1.type:
      return { type: 'RecordStockReserved', data: { orderId: CATALOG_EVENTS.StockReservedV1.schema.parse(p).orderId, now: now() } };
    case CATALOG_EVENTS.StockReservationRejectedV1.type: {
      const { orderId, reason, productIds } = CATALOG_EVENTS.StockReservationRejectedV1.schema.parse(p);
      return { type: 'RecordStockReservationRejected', data: { orderId, reason, productIds, now: now() } };
    }
    case CATALOG_EVENTS.StockReleasedV1.type:
      return { type: 'RecordStockReleased', data: { orderId: CATALOG_EVENTS.StockReleasedV1.schema.parse(p).orderId, now: now() } };
    case CATALOG_EVENTS.StockCommittedV1.type:
      return { type: 'RecordStockCommitted', data: { orderId: CATALOG_EVENTS.StockCommittedV1.schema.parse(p).orderId, now: now() } };
    case CATALOG_EVENTS.StockReturnedV1.type:
      return { type: 'RecordStockReturned', data: { orderId: CATALOG_EVENTS.StockReturnedV1.schema.parse(p).orderId, now: now() } };
    case PAYMENTS_EVENTS.PaymentCapturedV1.type: {
      const { orderId, transactionId, amount } = PAYMENTS_EVENTS.PaymentCapturedV1.schema.parse(p);
      return { type: 'RecordPaymentCaptured', data: { orderId, transactionId, amount, now: now() } };
    }
    case PAYMENTS_EVENTS.PaymentDeclinedV1.type: {
      const { orderId, reason } = PAYMENTS_EVENTS.PaymentDeclinedV1.schema.parse(p);
      return { type: 'RecordPaymentDeclined', data: { orderId, reason, now: now() } };
    }
    case PAYMENTS_EVENTS.PaymentRefundedV1.type: {
      const { orderId, transactionId } = PAYMENTS_EVENTS.PaymentRefundedV1.schema.parse(p);
      return { type: 'RecordPaymentRefunded', data: { orderId, transactionId, now: now() } };
    }
    default:
      return undefined;
  }
}

/**
 * The saga's reply consumer (group `commerce.ordering`): each catalog or payments reply becomes
 * one Order command, applied once through the inbox. A payload that breaks the contract throws,
 * so the transport retries it and then dead-letters it; unknown types are skipped.
 */
@Injectable()
export class SagaRepliesKafkaHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(SAGA_MESSAGING) private readonly messaging: Messaging,
    private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.subscribe(SAGA_REPLIES_GROUP, SAGA_REPLY_TOPICS, (message) => this.handle(message));
  }

  /** Handles one message (public for tests of redelivery). */
  async handle(message: IncomingMessage): Promise<void> {
    const reply = toReply(message);
    if (!reply) return;
    const context = { causationId: message.id, correlationId: message.headers['x-correlation-id'], traceparent: message.headers['traceparent'] };
    await this.commands.execute(new HandleSagaReplyCommand(message.id, message.topic, reply, context));
  }
}
