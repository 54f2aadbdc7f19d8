import { z } from 'zod';

/**
 * Integration events published by commerce/catalog (its published language). Topic names follow
 * `<system>.<service>.<event-name>.v<major>`; key = product id; CloudEvents `type` =
 * `archipelago.commerce.catalog.<Name>`. A breaking change gets a new major (new topic); additive
 * optional fields keep the major.
 */
export const moneySchema = z.object({
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('minor units'),
  currency: z.string().regex(/^[A-Z]{3}$/).describe('ISO 4217'),
});

export const productCreatedV1Schema = z.object({
  productId: z.string().uuid(),
  sku: z.string(),
  name: z.string(),
  price: moneySchema,
  initialStock: z.number().int().min(0),
  occurredAt: z.string().datetime(),
});
export type ProductCreatedV1 = z.infer<typeof productCreatedV1Schema>;

export const stockAdjustedV1Schema = z.object({
  productId: z.string().uuid(),
  delta: z.number().int(),
  reason: z.string(),
  /** Units on hand after the adjustment. */
  stock: z.number().int().min(0),
  occurredAt: z.string().datetime(),
});
export type StockAdjustedV1 = z.infer<typeof stockAdjustedV1Schema>;

/** Topic and CloudEvents type of each catalog integration event. */
export const CATALOG_EVENTS = {
  ProductCreatedV1: {
    topic: 'commerce.catalog.product-created.v1',
    type: 'archipelago.commerce.catalog.ProductCreatedV1',
    schema: productCreatedV1Schema,
  },
  StockAdjustedV1: {
    topic: 'commerce.catalog.stock-adjusted.v1',
    type: 'archipelago.commerce.catalog.StockAdjustedV1',
    schema: stockAdjustedV1Schema,
  },
} as const;
