import type { ProductListFilter } from '../port/product.read-model.port.js';

/** One page of products in creation order; `limit` 1–100, `cursor` from the previous page. */
export class ListProductsQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
    readonly filter: ProductListFilter = {},
  ) {}
}
