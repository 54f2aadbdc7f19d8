import {
  inTransaction,
  PostgresEventStore,
  StreamStateCache,
  WrongExpectedVersionError,
} from '@archipelago/platform-event-store';
import { Inbox, type Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { accountDecider, foldPaymentRecord } from '../entity/account/account.decider.js';
import type { AccountEvent } from '../entity/account/account.events.js';
import type { AccountState } from '../entity/account/account.state.js';
import {
  ConcurrencyConflictError,
  type AccountRepositoryPort,
  type DepositReceipt,
  type InboxEntry,
  type LoadedAccount,
  type LoadedAccountForOrder,
  type PaymentOutcome,
  type WalletOutcome,
  type TransactionHandle,
  type UnitOfWorkResult,
} from '../use-case/port/account.repository.port.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import { toIntegrationEvents } from './account.integration-events.js';

/** Stream id of a customer's wallet: `account-<customerId>`. */
export const accountStreamId = (customerId: string): string => `account-${customerId}`;

const clientOf = (tx: TransactionHandle): pg.PoolClient => tx as unknown as pg.PoolClient;
const handleOf = (client: pg.PoolClient): TransactionHandle => client as unknown as TransactionHandle;

/**
 * Account aggregates in the Postgres event store. One unit of work = one transaction holding, as
 * the case may be, the inbox row of the consumed command, the ledger events, the deposit's
 * idempotency key and the saga replies (outbox).
 */
export class AccountEventStoreRepository implements AccountRepositoryPort {
  /**
   * Folded wallet streams: a wallet grows by a deposit or a capture per order, so folding it from
   * the first event on every load grew with the customer's history. Loads happen before the unit
   * of work writes, and the cache re-checks the cached last event, so a rolled-back read is safe.
   */
  private readonly cache: StreamStateCache<AccountState>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {
    this.cache = new StreamStateCache(store, {
      initialState: accountDecider.initialState,
      evolve: (s, e) => accountDecider.evolve(s, { type: e.type, data: e.data } as AccountEvent),
    });
  }

  async transaction<T>(work: (tx: TransactionHandle) => Promise<T>, inbox?: InboxEntry): Promise<UnitOfWorkResult<T>> {
    if (!inbox) return { duplicate: false, result: await inTransaction(this.pool, (client) => work(handleOf(client))) };
    let result: T | undefined;
    const ran = await new Inbox(this.pool, this.store.schema, inbox.consumerGroup).handleOnce(
      { id: inbox.messageId, topic: inbox.topic },
      async (client) => {
        result = await work(handleOf(client));
      },
    );
    return ran ? { duplicate: false, result: result as T } : { duplicate: true };
  }

  load(customerId: string, tx?: TransactionHandle): Promise<LoadedAccount> {
    return this.cache.load(tx ? clientOf(tx) : this.pool, accountStreamId(customerId));
  }

  /**
   * The wallet (from the stream state cache) and the payment record of `orderId`, folded from
   * ONLY that order's events of the wallet stream (`PostgresEventStore.readStreamWhere` on
   * `orderId`, through the index `events_stream_order_idx`, upcast like every read), up to the
   * loaded version: the record is exactly the one of the state's version, however long the
   * wallet's history and whatever is cached.
   *
   * Why this stays correct under concurrency: the events decided from this record are appended at
   * the `version` loaded here, in the same transaction. A concurrent capture or refund of the same
   * order appends to the same wallet stream, so at most one of the two appends at that version;
   * the other fails with WrongExpectedVersionError → ConcurrencyConflictError, its transaction
   * rolls back, and the use case's withConflictRetry runs the unit of work again, which reads the
   * record again and now sees the winner's event (no second charge, no second refund).
   */
  async loadForOrder(customerId: string, orderId: string, tx: TransactionHandle): Promise<LoadedAccountForOrder> {
    const client = clientOf(tx);
    const loaded = await this.load(customerId, tx);
    if (loaded.version === 0) return { ...loaded, payment: undefined };
    const recorded = await this.store.readStreamWhere(
      client,
      accountStreamId(customerId),
      'orderId',
      orderId,
      loaded.version,
    );
    const events = recorded.map((e) => ({ type: e.type, data: e.data }) as AccountEvent);
    return { ...loaded, payment: foldPaymentRecord(orderId, events) };
  }

  async save(
    tx: TransactionHandle,
    customerId: string,
    events: readonly AccountEvent[],
    expectedVersion: number,
    context: CommandContext,
    outcomes: readonly (PaymentOutcome | WalletOutcome)[],
  ): Promise<void> {
    const client = clientOf(tx);
    if (events.length > 0) {
      try {
        await this.store.append(
          client,
          accountStreamId(customerId),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(customerId);
        throw error;
      }
    }
    await this.messaging.outbox.add(client, toIntegrationEvents(outcomes, context.traceparent, context.correlationId));
  }

  async claimIdempotencyKey(
    tx: TransactionHandle,
    customerId: string,
    key: string,
    fingerprint: string,
  ): Promise<{ fingerprint: string; receipt: DepositReceipt | null } | null> {
    const client = clientOf(tx);
    // Blocks while another transaction holds the same key, then sees its committed row.
    const { rowCount } = await client.query(
      `INSERT INTO ${this.table} (customer_id, key, fingerprint) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [customerId, key, fingerprint],
    );
    if (rowCount === 1) return null;
    const { rows } = await client.query<{ fingerprint: string; response: DepositReceipt | null }>(
      `SELECT fingerprint, response FROM ${this.table} WHERE customer_id = $1 AND key = $2`,
      [customerId, key],
    );
    const row = rows[0];
    if (!row) throw new ConcurrencyConflictError(customerId);
    return { fingerprint: row.fingerprint, receipt: row.response };
  }

  async completeIdempotencyKey(
    tx: TransactionHandle,
    customerId: string,
    key: string,
    receipt: DepositReceipt,
  ): Promise<void> {
    await clientOf(tx).query(`UPDATE ${this.table} SET response = $3::jsonb WHERE customer_id = $1 AND key = $2`, [
      customerId,
      key,
      JSON.stringify(receipt),
    ]);
  }

  private get table(): string {
    return `"${this.store.schema}".idempotency_keys`;
  }
}
