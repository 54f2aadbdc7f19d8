import type { CommandContext } from '../port/command-context.js';

/** An admin hands a confirmed order to `carrier` under `trackingNumber`. */
export class ShipOrderCommand {
  constructor(
    readonly orderId: string,
    readonly carrier: string,
    readonly trackingNumber: string,
    readonly context: CommandContext,
  ) {}
}
