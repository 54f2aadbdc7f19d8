import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type { DataSource, Repository } from 'typeorm';
import type { OrderEvent } from '../entity/order/order.events.js';
import {
  InvalidCursorError,
  type OrderListFilter,
  type OrderPage,
  type OrderReadModelPort,
  type OrderSummary,
} from '../use-case/port/order.read-model.port.js';
import { OrderRecord } from './order.record.js';

/**
 * The `order_list` projection: one row per order, written in the same transaction as the
 * projection checkpoint. `seq` is the global position of `OrderPlaced`, so a rebuild reproduces
 * the same order and cursors stay valid. Saga bookkeeping events do not touch the row.
 */
export class OrderListProjection implements Projection {
  readonly name = 'order_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as OrderEvent;
    const table = `"${this.schema}".order_list`;
    switch (event.type) {
      case 'OrderPlaced': {
        const d = event.data;
        await client.query(
          `INSERT INTO ${table} (id, seq, customer_id, status, items, total_amount, total_currency, cancellation_reason, version, created_at, updated_at)
           VALUES ($1, $2, $3, 'pending', $4::jsonb, $5, $6, NULL, $7, $8, $8) ON CONFLICT (id) DO NOTHING`,
          [
            d.orderId,
            recorded.globalPosition,
            d.customerId,
            JSON.stringify(d.items),
            d.total.amount,
            d.total.currency,
            recorded.streamVersion,
            d.placedAt,
          ],
        );
        return;
      }
      case 'OrderConfirmed':
      case 'OrderShipped':
      case 'OrderDelivered':
      case 'ReturnRequested':
      case 'OrderReturned':
      case 'OrderCancelled': {
        const statuses = {
          OrderConfirmed: 'confirmed',
          OrderShipped: 'shipped',
          OrderDelivered: 'delivered',
          ReturnRequested: 'returning',
          OrderReturned: 'returned',
          OrderCancelled: 'cancelled',
        } as const;
        const status = statuses[event.type];
        const reason = event.type === 'OrderCancelled' ? event.data.reason : null;
        await client.query(
          `UPDATE ${table} SET status = $2, cancellation_reason = $3, version = $4, updated_at = $5 WHERE id = $1 AND version < $4`,
          [event.data.orderId, status, reason, recorded.streamVersion, event.data.at],
        );
        return;
      }
      case 'StockReserved':
      case 'PaymentCaptured':
      case 'StockCommitted':
        await client.query(`UPDATE ${table} SET version = $2, updated_at = $3 WHERE id = $1 AND version < $2`, [
          event.data.orderId,
          recorded.streamVersion,
          event.data.at,
        ]);
        return;
      default:
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".order_list`); // readers keep the old rows until the rebuild commits
  }
}

function toSummary(record: OrderRecord): OrderSummary {
  return {
    id: record.id,
    customerId: record.customerId,
    status: record.status,
    items: record.items,
    total: { amount: record.totalAmount, currency: record.totalCurrency },
    cancellationReason: (record.cancellationReason ?? null) as OrderSummary['cancellationReason'],
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** Reads of the order list (TypeORM), newest first, plus the runner that keeps it current. */
export class OrderListReadModel implements OrderReadModelPort {
  private readonly records: Repository<OrderRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(OrderRecord);
  }

  async list({ customerId, status, limit, cursor }: OrderListFilter): Promise<OrderPage> {
    const query = this.records.createQueryBuilder('o');
    if (customerId !== undefined) query.andWhere('o.customer_id = :customerId', { customerId });
    if (status !== undefined) query.andWhere('o.status = :status', { status });
    const { rows, nextCursor } = await keysetPageBySeq(query, {
      alias: 'o',
      order: 'DESC',
      limit,
      cursor,
      invalidCursor: () => new InvalidCursorError(),
    });
    return { items: rows.map(toSummary), nextCursor };
  }

  refresh(): void {
    this.runner.poke();
  }
}
