import type { Money } from '../../entity/money.js';
import type { CommandContext } from '../port/command-context.js';

/** Add a product to the catalog. Validated shape; business rules are the decider's. */
export class CreateProductCommand {
  constructor(
    readonly input: {
      readonly sku: string;
      readonly name: string;
      readonly price: Money;
      readonly initialStock: number;
      /** Units (≥ 0); the configured default (`CATALOG_LOW_STOCK_THRESHOLD`) when absent. */
      readonly lowStockThreshold?: number;
    },
    readonly context: CommandContext,
  ) {}
}
