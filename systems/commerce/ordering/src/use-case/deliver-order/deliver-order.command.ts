import type { CommandContext } from '../port/command-context.js';

/** An admin records that a shipped order reached its customer. */
export class DeliverOrderCommand {
  constructor(
    readonly orderId: string,
    readonly context: CommandContext,
  ) {}
}
