import { ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommitStockCommand } from '../../use-case/commit-stock/commit-stock.command.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { ReleaseStockCommand } from '../../use-case/release-stock/release-stock.command.js';
import { ReserveStockCommand } from '../../use-case/reserve-stock/reserve-stock.command.js';
import { ReturnStockCommand } from '../../use-case/return-stock/return-stock.command.js';

const { ReserveStockV1, ReleaseStockV1, CommitStockV1, ReturnStockV1 } = ORDERING_EVENTS;

/**
 * Consumer of `commerce.ordering.stock-commands.v1` (group `commerce.catalog`): validates each
 * command against the contract schema and sends the matching CQRS command. A malformed payload
 * throws (retried, then dead-lettered); an unknown type on the topic is skipped (newer ordering).
 */
@Injectable()
export class StockCommandsMessageHandler {
  constructor(private readonly commands: CommandBus) {}

  async handle(message: IncomingMessage): Promise<void> {
    const delivery = { messageId: message.id, topic: message.topic };
    const context: CommandContext = {
      correlationId: message.headers['correlation-id'] ?? message.key,
      causationId: message.id,
      actor: message.source,
      traceparent: message.headers['traceparent'],
    };
    switch (message.type) {
      case ReserveStockV1.type: {
        const { orderId, lines } = ReserveStockV1.schema.parse(message.payload);
        await this.commands.execute(new ReserveStockCommand(orderId, lines, delivery, context));
        return;
      }
      case ReleaseStockV1.type: {
        const { orderId, reason } = ReleaseStockV1.schema.parse(message.payload);
        await this.commands.execute(new ReleaseStockCommand(orderId, reason, delivery, context));
        return;
      }
      case CommitStockV1.type: {
        const { orderId } = CommitStockV1.schema.parse(message.payload);
        await this.commands.execute(new CommitStockCommand(orderId, delivery, context));
        return;
      }
      case ReturnStockV1.type: {
        const { orderId } = ReturnStockV1.schema.parse(message.payload);
        await this.commands.execute(new ReturnStockCommand(orderId, delivery, context));
        return;
      }
      default:
        return;
    }
  }
}
