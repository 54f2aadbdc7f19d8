import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RegistryItemNotFoundError } from '../../entity/registry-item/registry-item.errors.js';
import type { ActiveRegistryItem } from '../../entity/registry-item/registry-item.state.js';
import { REGISTRY_ITEM_REPOSITORY, type RegistryItemRepositoryPort } from '../port/registry-item.repository.port.js';
import { GetRegistryItemQuery } from './get-registry-item.query.js';

/** @throws RegistryItemNotFoundError (404) */
@QueryHandler(GetRegistryItemQuery)
export class GetRegistryItemUseCase implements IQueryHandler<GetRegistryItemQuery, ActiveRegistryItem> {
  constructor(@Inject(REGISTRY_ITEM_REPOSITORY) private readonly repository: RegistryItemRepositoryPort) {}

  async execute({ itemId }: GetRegistryItemQuery): Promise<ActiveRegistryItem> {
    const { state } = await this.repository.load(itemId);
    if (state.status !== 'active') throw new RegistryItemNotFoundError(itemId);
    return state;
  }
}
