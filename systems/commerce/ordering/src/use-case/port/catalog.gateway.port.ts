import type { Money } from '../../entity/money.js';

/** Catalog did not answer in time or failed; the order was not placed (503, retry later). */
export class CatalogUnavailableError extends Error {
  readonly code = 'CATALOG.UNAVAILABLE';
  constructor(detail: string) {
    super(`The catalog could not price the order: ${detail}`);
  }
}

/** Current unit prices from the catalog (implemented in gateway/ over gRPC GetProducts). */
export interface CatalogGatewayPort {
  /**
   * Prices of `productIds` (unique ids). Unknown products are listed in `missingIds`.
   * @throws CatalogUnavailableError
   */
  pricesOf(productIds: readonly string[]): Promise<{ prices: Record<string, Money>; missingIds: string[] }>;
}

export const CATALOG_GATEWAY = Symbol('CatalogGatewayPort');
