import type { CommandContext } from '../port/command-context.js';
import type { MessageDelivery } from '../port/reservation.repository.port.js';

/** Put the sold units of a returned order back into stock (ordering's `ReturnStockV1`). */
export class ReturnStockCommand {
  constructor(
    readonly orderId: string,
    readonly delivery: MessageDelivery,
    readonly context: CommandContext,
  ) {}
}
