import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PRODUCT_READ_MODEL, type ProductPage, type ProductReadModelPort } from '../port/product.read-model.port.js';
import { ListProductsQuery } from './list-products.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListProductsQuery)
export class ListProductsUseCase implements IQueryHandler<ListProductsQuery, ProductPage> {
  constructor(@Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort) {}

  execute({ limit, cursor, filter }: ListProductsQuery): Promise<ProductPage> {
    return this.readModel.list(limit, cursor, filter);
  }
}
