import {
  CatalogServiceControllerMethods,
  type CatalogServiceController,
  type GetProductsRequest,
  type GetProductsResponse,
} from '@archipelago/commerce-contracts';
import { toGrpcError } from '@archipelago/platform-grpc';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetProductsQuery } from '../../use-case/get-products/get-products.query.js';
import type { ProductView } from '../../use-case/port/product.read-model.port.js';

const MAX_IDS = 500;

/** gRPC `archipelago.commerce.catalog.v1.CatalogService`: maps proto ↔ query, real status codes. */
@Controller()
@CatalogServiceControllerMethods()
export class CatalogGrpcHandler implements CatalogServiceController {
  constructor(private readonly queries: QueryBus) {}

  async getProducts(request: GetProductsRequest): Promise<GetProductsResponse> {
    const ids = request.ids ?? [];
    if (ids.length > MAX_IDS) throw toGrpcError('INVALID_ARGUMENT', `at most ${MAX_IDS} ids per call`);
    const { products, missingIds } = await this.queries.execute<GetProductsQuery, { products: ProductView[]; missingIds: string[] }>(
      new GetProductsQuery(ids),
    );
    return {
      products: products.map((p) => ({
        id: p.id,
        sku: p.sku,
        name: p.name,
        price: { amount: p.price.amount, currency: p.price.currency },
        available: p.available,
        version: p.version,
      })),
      missingIds,
    };
  }
}
