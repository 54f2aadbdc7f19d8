import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Row of the `product_list` read model (TypeORM record; the aggregate lives in the event store).
 * `seq` orders the list by creation and backs keyset pagination.
 */
@Entity({ name: 'product_list' })
export class ProductRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text')
  sku!: string;

  @Column('text')
  name!: string;

  @Column('bigint', { name: 'price_amount', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  priceAmount!: number;

  @Column('char', { name: 'price_currency', length: 3 })
  priceCurrency!: string;

  /** Units that can be sold now: `stock − reserved`. */
  @Column('integer')
  available!: number;

  /** Units on hand. */
  @Column('integer')
  stock!: number;

  /** Units held for orders (reserved, neither released nor committed). */
  @Column('integer')
  reserved!: number;

  /** Low on stock when `available ≤ lowStockThreshold`. */
  @Column('integer', { name: 'low_stock_threshold' })
  lowStockThreshold!: number;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
