import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PRODUCT_READ_MODEL, type ProductReadModelPort, type ProductView } from '../port/product.read-model.port.js';
import { GetProductsQuery } from './get-products.query.js';

/** Returns the known products (in request order, duplicates once) and the ids not found. */
@QueryHandler(GetProductsQuery)
export class GetProductsUseCase implements IQueryHandler<GetProductsQuery> {
  constructor(@Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort) {}

  async execute({ ids }: GetProductsQuery): Promise<{ products: ProductView[]; missingIds: string[] }> {
    const unique = [...new Set(ids)];
    const found = new Map((await this.readModel.getMany(unique)).map((p) => [p.id, p]));
    return {
      products: unique.flatMap((id) => (found.has(id) ? [found.get(id)!] : [])),
      missingIds: unique.filter((id) => !found.has(id)),
    };
  }
}
