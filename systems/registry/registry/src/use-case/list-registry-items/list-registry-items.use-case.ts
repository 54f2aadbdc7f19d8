import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  REGISTRY_ITEM_READ_MODEL,
  type RegistryItemPage,
  type RegistryItemReadModelPort,
} from '../port/registry-item.read-model.port.js';
import { ListRegistryItemsQuery } from './list-registry-items.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListRegistryItemsQuery)
export class ListRegistryItemsUseCase implements IQueryHandler<ListRegistryItemsQuery, RegistryItemPage> {
  constructor(@Inject(REGISTRY_ITEM_READ_MODEL) private readonly readModel: RegistryItemReadModelPort) {}

  execute({ limit, cursor }: ListRegistryItemsQuery): Promise<RegistryItemPage> {
    return this.readModel.list(limit, cursor);
  }
}
