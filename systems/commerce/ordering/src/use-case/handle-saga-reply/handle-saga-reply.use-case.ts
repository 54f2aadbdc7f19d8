import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideOnce, retryOnConflict } from '../handle-order-command.js';
import { ORDER_READ_MODEL, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { SAGA_INBOX, type SagaInboxPort } from '../port/saga-inbox.port.js';
import { HandleSagaReplyCommand } from './handle-saga-reply.command.js';

/**
 * Applies one reply to its order exactly once: the inbox row, the order's new events and the
 * commands they send commit in one transaction. A redelivered message is skipped; a conflicting
 * append (a cancel or another reply at the same time) reruns the whole transaction.
 * @returns whether the message was new (false: a redelivery, skipped)
 */
@CommandHandler(HandleSagaReplyCommand)
export class HandleSagaReplyUseCase implements ICommandHandler<HandleSagaReplyCommand, boolean> {
  constructor(
    @Inject(SAGA_INBOX) private readonly inbox: SagaInboxPort,
    @Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort,
  ) {}

  async execute({ messageId, topic, reply, context }: HandleSagaReplyCommand): Promise<boolean> {
    const processed = await retryOnConflict(() =>
      this.inbox.once(messageId, topic, async (orders) => {
        await decideOnce(orders, reply, context);
      }),
    );
    if (processed) this.readModel.refresh();
    return processed;
  }
}
