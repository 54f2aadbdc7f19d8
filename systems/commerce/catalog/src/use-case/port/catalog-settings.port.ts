/** Deployment settings the catalog's use cases need. */
export interface CatalogSettings {
  /** ISO 4217 code of the deployment's single currency (`COMMERCE_CURRENCY`). */
  readonly currency: string;
}

export const CATALOG_SETTINGS = Symbol('CatalogSettings');
