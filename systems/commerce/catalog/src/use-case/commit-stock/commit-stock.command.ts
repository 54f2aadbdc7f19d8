import type { CommandContext } from '../port/command-context.js';
import type { MessageDelivery } from '../port/reservation.repository.port.js';

/** Sell what an order holds: the units leave stock (ordering's `CommitStockV1`). */
export class CommitStockCommand {
  constructor(
    readonly orderId: string,
    readonly delivery: MessageDelivery,
    readonly context: CommandContext,
  ) {}
}
