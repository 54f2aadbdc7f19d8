import type { CommandContext } from '../port/command-context.js';

/** Change a product's stock by `delta` units (≠ 0) for `reason`. */
export class AdjustStockCommand {
  constructor(
    readonly productId: string,
    readonly delta: number,
    readonly reason: string,
    readonly context: CommandContext,
  ) {}
}
