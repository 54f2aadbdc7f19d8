import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderLine } from '../entity/order/order.events.js';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * Row of the `order_list` read model (TypeORM record; the order lives in the event store).
 * `seq` is the global position of `OrderPlaced` and backs keyset pagination (newest first).
 */
@Entity({ name: 'order_list' })
export class OrderRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  status!: 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'returning' | 'returned' | 'cancelled';

  @Column('jsonb')
  items!: OrderLine[];

  @Column('bigint', { name: 'total_amount', transformer: bigintAsNumber })
  totalAmount!: number;

  @Column('char', { name: 'total_currency', length: 3 })
  totalCurrency!: string;

  @Column('text', { name: 'cancellation_reason', nullable: true })
  cancellationReason!: string | null;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
