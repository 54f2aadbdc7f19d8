/** Deployment settings the catalog's use cases need. */
export interface CatalogSettings {
  /** ISO 4217 code of the deployment's single currency (`COMMERCE_CURRENCY`). */
  readonly currency: string;
  /** Low-stock threshold of a product created without one (units ≥ 0; `CATALOG_LOW_STOCK_THRESHOLD`). */
  readonly defaultLowStockThreshold: number;
}

export const CATALOG_SETTINGS = Symbol('CatalogSettings');
