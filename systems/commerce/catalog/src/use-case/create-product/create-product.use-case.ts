import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PRODUCT_READ_MODEL, type ProductReadModelPort } from '../port/product.read-model.port.js';
import { PRODUCT_REPOSITORY, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { handleProductCommand } from '../handle-product-command.js';
import { CATALOG_SETTINGS, type CatalogSettings } from '../port/catalog-settings.port.js';
import type { ProductState } from '../../entity/product/product.state.js';
import { CreateProductCommand } from './create-product.command.js';

/**
 * Creates a Product stream with a fresh id.
 * @throws DuplicateSkuError (409), CurrencyMismatchError (422), InvalidMoneyError, InvalidProductCommandError (400)
 */
@CommandHandler(CreateProductCommand)
export class CreateProductUseCase implements ICommandHandler<CreateProductCommand, Extract<ProductState, { status: 'active' }>> {
  constructor(
    @Inject(PRODUCT_REPOSITORY) private readonly repository: ProductRepositoryPort,
    @Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort,
    @Inject(CATALOG_SETTINGS) private readonly settings: CatalogSettings,
  ) {}

  async execute({ input, context }: CreateProductCommand): Promise<Extract<ProductState, { status: 'active' }>> {
    const productId = globalThis.crypto.randomUUID();
    const { state } = await handleProductCommand(
      this.repository,
      this.readModel,
      {
        type: 'CreateProduct',
        data: {
          productId,
          ...input,
          lowStockThreshold: input.lowStockThreshold ?? this.settings.defaultLowStockThreshold,
          currency: this.settings.currency,
          now: new Date().toISOString(),
        },
      },
      context,
    );
    if (state.status !== 'active') throw new Error('unreachable: created product is absent');
    return state;
  }
}
