import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProductNotFoundError } from '../../entity/product/product.errors.js';
import type { ProductState } from '../../entity/product/product.state.js';
import { PRODUCT_REPOSITORY, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { GetProductQuery } from './get-product.query.js';

/** @throws ProductNotFoundError (404) */
@QueryHandler(GetProductQuery)
export class GetProductUseCase implements IQueryHandler<GetProductQuery> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly repository: ProductRepositoryPort) {}

  async execute({ productId }: GetProductQuery): Promise<{ state: Extract<ProductState, { status: 'active' }>; version: number }> {
    const { state, version } = await this.repository.load(productId);
    if (state.status !== 'active') throw new ProductNotFoundError(productId);
    return { state, version };
  }
}
