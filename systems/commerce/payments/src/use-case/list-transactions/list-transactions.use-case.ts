import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TRANSACTION_READ_MODEL, type TransactionPage, type TransactionReadModelPort } from '../port/transaction.read-model.port.js';
import { ListTransactionsQuery } from './list-transactions.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListTransactionsQuery)
export class ListTransactionsUseCase implements IQueryHandler<ListTransactionsQuery, TransactionPage> {
  constructor(@Inject(TRANSACTION_READ_MODEL) private readonly readModel: TransactionReadModelPort) {}

  execute({ customerId, limit, cursor }: ListTransactionsQuery): Promise<TransactionPage> {
    return this.readModel.list(customerId, limit, cursor);
  }
}
