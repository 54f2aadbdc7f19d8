import type { ReservationLine } from '../../entity/reservation/reservation.events.js';
import type { CommandContext } from '../port/command-context.js';
import type { MessageDelivery } from '../port/reservation.repository.port.js';

/** Hold an order's lines, all or nothing (ordering's `ReserveStockV1`). */
export class ReserveStockCommand {
  constructor(
    readonly orderId: string,
    readonly lines: readonly ReservationLine[],
    readonly delivery: MessageDelivery,
    readonly context: CommandContext,
  ) {}
}
