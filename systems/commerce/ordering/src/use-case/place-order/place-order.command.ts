import type { RequestedLine } from '../../entity/order/place-order.decision.js';
import type { CommandContext } from '../port/command-context.js';

/** Place an order for `customerId`; `idempotencyKey` (optional) makes a retried request return the same order. */
export class PlaceOrderCommand {
  constructor(
    readonly customerId: string,
    readonly items: readonly RequestedLine[],
    readonly idempotencyKey: string | undefined,
    readonly context: CommandContext,
  ) {}
}
