import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ProductState } from '../../entity/product/product.state.js';
import { handleProductCommand } from '../handle-product-command.js';
import { PRODUCT_READ_MODEL, type ProductReadModelPort } from '../port/product.read-model.port.js';
import { PRODUCT_REPOSITORY, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { AdjustStockCommand } from './adjust-stock.command.js';

/**
 * Adjusts stock; concurrent adjustments are serialised by the stream's expected version.
 * @throws ProductNotFoundError (404), InsufficientStockError (409), InvalidProductCommandError (400)
 */
@CommandHandler(AdjustStockCommand)
export class AdjustStockUseCase implements ICommandHandler<AdjustStockCommand, { state: ProductState; version: number }> {
  constructor(
    @Inject(PRODUCT_REPOSITORY) private readonly repository: ProductRepositoryPort,
    @Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort,
  ) {}

  execute({ productId, delta, reason, context }: AdjustStockCommand) {
    return handleProductCommand(
      this.repository,
      this.readModel,
      { type: 'AdjustStock', data: { productId, delta, reason, now: new Date().toISOString() } },
      context,
    );
  }
}
