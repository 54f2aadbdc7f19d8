import type { OrderCommand } from '../../entity/order/order.decider.js';
import type { CommandContext } from '../port/command-context.js';

/** A reply of catalog or payments (message `messageId` on `topic`), already translated to an Order command. */
export class HandleSagaReplyCommand {
  constructor(
    readonly messageId: string,
    readonly topic: string,
    readonly reply: Exclude<OrderCommand, { type: 'PlaceOrder' | 'CancelOrder' }>,
    readonly context: CommandContext,
  ) {}
}
