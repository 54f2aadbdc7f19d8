import type { CommandContext, Viewer } from '../port/command-context.js';

/** A customer (or an admin) cancels a pending order. */
export class CancelOrderCommand {
  constructor(
    readonly orderId: string,
    readonly viewer: Viewer,
    readonly context: CommandContext,
  ) {}
}
