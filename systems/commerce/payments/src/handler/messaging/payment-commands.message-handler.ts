import { ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CapturePaymentCommand } from '../../use-case/capture-payment/capture-payment.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { RefundPaymentCommand } from '../../use-case/refund-payment/refund-payment.command.js';

const { CapturePaymentV1, RefundPaymentV1 } = ORDERING_EVENTS;

/**
 * Consumer of `commerce.ordering.payment-commands.v1` (group `commerce.payments`): validates each
 * command against the contract schema and sends the matching CQRS command, which records the
 * message in the inbox in the same transaction as its effect. A malformed payload throws
 * (retried, then dead-lettered); an unknown type on the topic is skipped (newer ordering).
 */
@Injectable()
export class PaymentCommandsMessageHandler {
  constructor(private readonly commands: CommandBus) {}

  /** Handles one message; `consumerGroup` names the inbox (contract: `commerce.payments`). */
  async handle(message: IncomingMessage, consumerGroup: string): Promise<void> {
    const inbox = { consumerGroup, messageId: message.id, topic: message.topic };
    const context: CommandContext = {
      correlationId: message.headers['correlation-id'] ?? message.key,
      causationId: message.id,
      actor: message.source,
      traceparent: message.headers['traceparent'],
    };
    switch (message.type) {
      case CapturePaymentV1.type: {
        const { orderId, customerId, amount } = CapturePaymentV1.schema.parse(message.payload);
        await this.commands.execute(new CapturePaymentCommand(orderId, customerId, amount, inbox, context));
        return;
      }
      case RefundPaymentV1.type: {
        const { orderId, customerId, reason } = RefundPaymentV1.schema.parse(message.payload);
        await this.commands.execute(new RefundPaymentCommand(orderId, customerId, reason, inbox, context));
        return;
      }
      default:
        return;
    }
  }
}
