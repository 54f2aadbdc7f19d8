import {
  CATALOG_EVENTS,
  type LowStockDetectedV1,
  type ProductCreatedV1,
  type StockAdjustedV1,
  type StockReplenishedV1,
} from '@archipelago/commerce-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { ProductEvent } from '../entity/product/product.events.js';

/**
 * Maps domain events to the integration events other services may rely on (the published
 * language in commerce-contracts). Domain events stay private to the service; reservation
 * movements publish nothing here.
 */
export function toIntegrationEvents(events: readonly ProductEvent[], traceparent?: string): OutgoingMessage[] {
  return events.flatMap((event): OutgoingMessage[] => {
    switch (event.type) {
      case 'ProductCreated': {
        const { productId, sku, name, price, initialStock, at } = event.data;
        const payload: ProductCreatedV1 = { productId, sku, name, price, initialStock, occurredAt: at };
        const { topic, type } = CATALOG_EVENTS.ProductCreatedV1;
        return [{ topic, type, key: productId, payload, traceparent }];
      }
      case 'StockAdjusted': {
        const { productId, delta, reason, stock, at } = event.data;
        const payload: StockAdjustedV1 = { productId, delta, reason, stock, occurredAt: at };
        const { topic, type } = CATALOG_EVENTS.StockAdjustedV1;
        return [{ topic, type, key: productId, payload, traceparent }];
      }
      // Units held, released or sold for an order stay private: ordering learns of them from the
      // reservation replies (commerce.catalog.stock-reservations.v1), keyed by order.
      case 'UnitsReserved':
      case 'UnitsReleased':
      case 'UnitsCommitted':
      case 'UnitsReturned':
      case 'LowStockThresholdChanged':
        return [];
      case 'LowStockDetected':
      case 'StockReplenished': {
        const { productId, sku, available, threshold, at } = event.data;
        const payload: LowStockDetectedV1 | StockReplenishedV1 = { productId, sku, available, threshold, occurredAt: at };
        const { topic, type } = event.type === 'LowStockDetected' ? CATALOG_EVENTS.LowStockDetectedV1 : CATALOG_EVENTS.StockReplenishedV1;
        return [{ topic, type, key: productId, payload, traceparent }];
      }
    }
  });
}
