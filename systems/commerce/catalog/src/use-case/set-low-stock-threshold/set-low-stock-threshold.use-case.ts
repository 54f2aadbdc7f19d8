import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ProductState } from '../../entity/product/product.state.js';
import { handleProductCommand } from '../handle-product-command.js';
import { PRODUCT_READ_MODEL, type ProductReadModelPort } from '../port/product.read-model.port.js';
import { PRODUCT_REPOSITORY, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { SetLowStockThresholdCommand } from './set-low-stock-threshold.command.js';

/**
 * Sets a product's low-stock threshold; when that crosses the product's available units, the
 * alert (LowStockDetectedV1) or the all-clear (StockReplenishedV1) is published with it.
 * @throws ProductNotFoundError (404), InvalidProductCommandError (400)
 */
@CommandHandler(SetLowStockThresholdCommand)
export class SetLowStockThresholdUseCase implements ICommandHandler<SetLowStockThresholdCommand, { state: ProductState; version: number }> {
  constructor(
    @Inject(PRODUCT_REPOSITORY) private readonly repository: ProductRepositoryPort,
    @Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort,
  ) {}

  execute({ productId, threshold, context }: SetLowStockThresholdCommand) {
    return handleProductCommand(
      this.repository,
      this.readModel,
      { type: 'SetLowStockThreshold', data: { productId, threshold, now: new Date().toISOString() } },
      context,
    );
  }
}
