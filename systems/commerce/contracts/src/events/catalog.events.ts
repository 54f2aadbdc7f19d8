import { z } from 'zod';

/**
 * Integration events published by commerce/catalog (its published language). Topic names follow
 * `<system>.<service>.<event-name>.v<major>`; key = product id (order id for the stock-reservation
 * replies); CloudEvents `type` =
 * `archipelago.commerce.catalog.<Name>`. A breaking change gets a new major (new topic); additive
 * optional fields keep the major.
 */
export const moneySchema = z.object({
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('minor units'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .describe('ISO 4217'),
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

/** Topic of low-stock alerts and their all-clear (key = product id). */
export const CATALOG_STOCK_LEVELS_TOPIC = 'commerce.catalog.stock-levels.v1';

/** A crossing of a product's low-stock threshold: available units against the threshold. */
const stockLevelCrossingSchema = z.object({
  productId: z.string().uuid(),
  sku: z.string(),
  /** Units that can be sold after the change that crossed the threshold. */
  available: z.number().int().min(0),
  /** The product's low-stock threshold (units). */
  threshold: z.number().int().min(0),
  occurredAt: z.string().datetime(),
});

/** Available units fell to or below the threshold; sent once per crossing. */
export const lowStockDetectedV1Schema = stockLevelCrossingSchema;
export type LowStockDetectedV1 = z.infer<typeof lowStockDetectedV1Schema>;

/** Available units rose above the threshold again after a LowStockDetectedV1. */
export const stockReplenishedV1Schema = stockLevelCrossingSchema;
export type StockReplenishedV1 = z.infer<typeof stockReplenishedV1Schema>;

// ---- replies to ordering's stock commands (docs/systems/commerce-saga-contract.md) ----
// Topic commerce.catalog.stock-reservations.v1, key = orderId, consumer group commerce.ordering.

/** Topic of catalog's replies to `commerce.ordering.stock-commands.v1` (key = order id). */
export const CATALOG_STOCK_RESERVATIONS_TOPIC = 'commerce.catalog.stock-reservations.v1';

/** One reserved order line: a product and a whole number of units (≥ 1). */
export const reservedLineSchema = z.object({
  productId: z.string().min(1),
  quantity: z.number().int().min(1),
});

/** Every line of the order is held for it (all-or-nothing); sent again for a repeated reserve. */
export const stockReservedV1Schema = z.object({
  orderId: z.string().min(1),
  lines: z.array(reservedLineSchema),
});
export type StockReservedV1 = z.infer<typeof stockReservedV1Schema>;

/**
 * Nothing was reserved: `unknown_product` (`productIds` = the unknown ones), `out_of_stock`
 * (`productIds` = the ones short of units) or `cancelled` (a release for the order came first).
 */
export const stockReservationRejectedV1Schema = z.object({
  orderId: z.string().min(1),
  reason: z.enum(['out_of_stock', 'unknown_product', 'cancelled']),
  productIds: z.array(z.string()),
});
export type StockReservationRejectedV1 = z.infer<typeof stockReservationRejectedV1Schema>;

/** The order holds no units any more (released now, before, or never reserved). */
export const stockReleasedV1Schema = z.object({ orderId: z.string().min(1) });
export type StockReleasedV1 = z.infer<typeof stockReleasedV1Schema>;

/** The order's reserved units are sold: they left stock for good. */
export const stockCommittedV1Schema = z.object({ orderId: z.string().min(1) });
export type StockCommittedV1 = z.infer<typeof stockCommittedV1Schema>;

/** The order's sold units are back in stock (a return); sent again for a repeated return. */
export const stockReturnedV1Schema = z.object({ orderId: z.string().min(1) });
export type StockReturnedV1 = z.infer<typeof stockReturnedV1Schema>;

/** Topic and CloudEvents type of each catalog integration event. */
export const CATALOG_EVENTS = {
  LowStockDetectedV1: {
    topic: CATALOG_STOCK_LEVELS_TOPIC,
    type: 'archipelago.commerce.catalog.LowStockDetectedV1',
    schema: lowStockDetectedV1Schema,
  },
  StockReplenishedV1: {
    topic: CATALOG_STOCK_LEVELS_TOPIC,
    type: 'archipelago.commerce.catalog.StockReplenishedV1',
    schema: stockReplenishedV1Schema,
  },
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
  StockReservedV1: {
    topic: CATALOG_STOCK_RESERVATIONS_TOPIC,
    type: 'archipelago.commerce.catalog.StockReservedV1',
    schema: stockReservedV1Schema,
  },
  StockReservationRejectedV1: {
    topic: CATALOG_STOCK_RESERVATIONS_TOPIC,
    type: 'archipelago.commerce.catalog.StockReservationRejectedV1',
    schema: stockReservationRejectedV1Schema,
  },
  StockReleasedV1: {
    topic: CATALOG_STOCK_RESERVATIONS_TOPIC,
    type: 'archipelago.commerce.catalog.StockReleasedV1',
    schema: stockReleasedV1Schema,
  },
  StockCommittedV1: {
    topic: CATALOG_STOCK_RESERVATIONS_TOPIC,
    type: 'archipelago.commerce.catalog.StockCommittedV1',
    schema: stockCommittedV1Schema,
  },
  StockReturnedV1: {
    topic: CATALOG_STOCK_RESERVATIONS_TOPIC,
    type: 'archipelago.commerce.catalog.StockReturnedV1',
    schema: stockReturnedV1Schema,
  },
} as const;
