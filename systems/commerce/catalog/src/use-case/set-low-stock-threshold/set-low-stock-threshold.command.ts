import type { CommandContext } from '../port/command-context.js';

/** Set a product's low-stock threshold to `threshold` units (≥ 0). */
export class SetLowStockThresholdCommand {
  constructor(
    readonly productId: string,
    readonly threshold: number,
    readonly context: CommandContext,
  ) {}
}
