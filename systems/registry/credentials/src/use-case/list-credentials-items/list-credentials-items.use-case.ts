import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  CREDENTIALS_ITEM_READ_MODEL,
  type CredentialsItemPage,
  type CredentialsItemReadModelPort,
} from '../port/credentials-item.read-model.port.js';
import { ListCredentialsItemsQuery } from './list-credentials-items.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListCredentialsItemsQuery)
export class ListCredentialsItemsUseCase implements IQueryHandler<ListCredentialsItemsQuery, CredentialsItemPage> {
  constructor(@Inject(CREDENTIALS_ITEM_READ_MODEL) private readonly readModel: CredentialsItemReadModelPort) {}

  execute({ limit, cursor }: ListCredentialsItemsQuery): Promise<CredentialsItemPage> {
    return this.readModel.list(limit, cursor);
  }
}
