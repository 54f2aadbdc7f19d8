import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import { In, type DataSource, type Repository } from 'typeorm';
import type { ProductEvent } from '../entity/product/product.events.js';
import {
  InvalidCursorError,
  type ProductPage,
  type ProductReadModelPort,
  type ProductListFilter,
  type ProductView,
} from '../use-case/port/product.read-model.port.js';
import { ProductRecord } from './product.record.js';

/**
 * The `product_list` projection: one row per product, written in the same transaction as the
 * projection checkpoint. `available` = `stock − reserved` (units held for orders are not for sale). `seq` is the global position of the ProductCreated event, so a rebuild
 * reproduces the same order and cursors stay valid.
 */
export class ProductListProjection implements Projection {
  readonly name = 'product_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as ProductEvent;
    const table = `"${this.schema}".product_list`;
    switch (event.type) {
      case 'ProductCreated': {
        const d = event.data;
        await client.query(
          `INSERT INTO ${table} (id, seq, sku, name, price_amount, price_currency, available, stock, reserved, version, created_at, updated_at, low_stock_threshold)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0, $8, $9, $9, $10) ON CONFLICT (id) DO NOTHING`,
          [
            d.productId,
            recorded.globalPosition,
            d.sku,
            d.name,
            d.price.amount,
            d.price.currency,
            d.initialStock,
            recorded.streamVersion,
            d.at,
            d.lowStockThreshold ?? 0,
          ],
        );
        return;
      }
      case 'LowStockThresholdChanged': {
        const d = event.data;
        await client.query(
          `UPDATE ${table} SET low_stock_threshold = $2::int, version = $3, updated_at = $4 WHERE id = $1 AND version < $3`,
          [d.productId, d.threshold, recorded.streamVersion, d.at],
        );
        return;
      }
      case 'StockAdjusted': {
        const d = event.data;
        await client.query(
          `UPDATE ${table} SET stock = $2::int, available = $2::int - reserved, version = $3, updated_at = $4 WHERE id = $1 AND version < $3`,
          [d.productId, d.stock, recorded.streamVersion, d.at],
        );
        return;
      }
      case 'UnitsReserved':
      case 'UnitsReleased':
      case 'UnitsCommitted':
      case 'UnitsReturned': {
        // The events carry the resulting levels: set them (idempotent, order-safe with the version guard).
        const d = event.data;
        await client.query(
          `UPDATE ${table} SET stock = $2::int, reserved = $3::int, available = $2::int - $3::int, version = $4, updated_at = $5 WHERE id = $1 AND version < $4`,
          [d.productId, d.stock, d.reserved, recorded.streamVersion, d.at],
        );
        return;
      }
      default:
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".product_list`); // readers keep the old rows until the rebuild commits
  }
}

function toView(record: ProductRecord): ProductView {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    price: { amount: record.priceAmount, currency: record.priceCurrency },
    available: record.available,
    lowStockThreshold: record.lowStockThreshold,
    version: record.version,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** Reads of the product list (TypeORM) plus the runner that keeps it current. */
export class ProductListReadModel implements ProductReadModelPort {
  private readonly records: Repository<ProductRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(ProductRecord);
  }

  async list(limit: number, cursor?: string, filter: ProductListFilter = {}): Promise<ProductPage> {
    const query = this.records.createQueryBuilder('p');
    if (filter.lowStock) query.where('p.available <= p.low_stock_threshold');
    const { rows, nextCursor } = await keysetPageBySeq(query, {
      alias: 'p',
      order: 'ASC',
      limit,
      cursor,
      invalidCursor: () => new InvalidCursorError(),
    });
    return { items: rows.map(toView), nextCursor };
  }

  async getMany(ids: readonly string[]): Promise<ProductView[]> {
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (valid.length === 0) return [];
    return (await this.records.findBy({ id: In(valid) })).map(toView);
  }

  refresh(): void {
    this.runner.poke();
  }
}
