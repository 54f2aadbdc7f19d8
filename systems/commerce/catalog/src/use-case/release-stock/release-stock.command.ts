import type { CommandContext } from '../port/command-context.js';
import type { MessageDelivery } from '../port/reservation.repository.port.js';

/** Give back what an order holds, or leave a tombstone when it holds nothing yet (ordering's `ReleaseStockV1`). */
export class ReleaseStockCommand {
  constructor(
    readonly orderId: string,
    readonly reason: string,
    readonly delivery: MessageDelivery,
    readonly context: CommandContext,
  ) {}
}
