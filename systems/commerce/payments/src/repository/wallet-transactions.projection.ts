import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type { DataSource, Repository } from 'typeorm';
import type { AccountEvent } from '../entity/account/account.events.js';
import {
  InvalidCursorError,
  type TransactionPage,
  type TransactionReadModelPort,
  type TransactionView,
} from '../use-case/port/transaction.read-model.port.js';
import { WalletTransactionRecord } from './wallet-transaction.record.js';

/**
 * The `wallet_transactions` projection: one row per money movement (deposit, withdrawal, payment, refund;
 * tombstones and account lifecycle events move no money and are skipped), written in the same
 * transaction as the projection checkpoint. `seq` = the event's global position, so a rebuild
 * reproduces the same order and cursors stay valid.
 */
export class WalletTransactionsProjection implements Projection {
  readonly name = 'wallet_transactions';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as AccountEvent;
    let row: { type: TransactionView['type']; orderId: string | null } | undefined;
    if (event.type === 'FundsDeposited') row = { type: 'deposit', orderId: null };
    else if (event.type === 'FundsWithdrawn') row = { type: 'withdrawal', orderId: null };
    else if (event.type === 'PaymentCaptured') row = { type: 'payment', orderId: event.data.orderId };
    else if (event.type === 'PaymentRefunded') row = { type: 'refund', orderId: event.data.orderId };
    if (!row || !('amount' in event.data)) return;
    const d = event.data;
    await client.query(
      `INSERT INTO "${this.schema}".wallet_transactions (id, seq, customer_id, type, amount, currency, order_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [
        d.transactionId,
        recorded.globalPosition,
        d.customerId,
        row.type,
        d.amount.amount,
        d.amount.currency,
        row.orderId,
        d.at,
      ],
    );
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".wallet_transactions`); // readers keep the old rows until the rebuild commits
  }
}

function toView(record: WalletTransactionRecord): TransactionView {
  return {
    id: record.id,
    type: record.type,
    amount: { amount: record.amount, currency: record.currency },
    ...(record.orderId !== null && { orderId: record.orderId }),
    at: record.at.toISOString(),
  };
}

/** Reads of a customer's wallet transactions, newest first (keyset on `seq`), plus the runner that keeps them current. */
export class WalletTransactionsReadModel implements TransactionReadModelPort {
  private readonly records: Repository<WalletTransactionRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(WalletTransactionRecord);
  }

  async list(customerId: string, limit: number, cursor?: string): Promise<TransactionPage> {
    const query = this.records.createQueryBuilder('t').where('t.customer_id = :customerId', { customerId });
    const { rows, nextCursor } = await keysetPageBySeq(query, {
      alias: 't',
      order: 'DESC',
      limit,
      cursor,
      invalidCursor: () => new InvalidCursorError(),
    });
    return { items: rows.map(toView), nextCursor };
  }

  refresh(): void {
    this.runner.poke();
  }
}
