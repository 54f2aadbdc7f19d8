import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * Row of the `wallet_transactions` read model (TypeORM record; the ledger lives in the event
 * store). `seq` is the global position of the event, backing keyset pagination newest first.
 */
@Entity({ name: 'wallet_transactions' })
export class WalletTransactionRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  type!: 'deposit' | 'withdrawal' | 'payment' | 'refund';

  /** Minor units, always ≥ 0. */
  @Column('bigint', { transformer: bigintAsNumber })
  amount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text', { name: 'order_id', nullable: true })
  orderId!: string | null;

  @Column('timestamptz')
  at!: Date;
}
