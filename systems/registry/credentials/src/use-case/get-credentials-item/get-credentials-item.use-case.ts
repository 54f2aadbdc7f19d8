import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CredentialsItemNotFoundError } from '../../entity/credentials-item/credentials-item.errors.js';
import type { ActiveCredentialsItem } from '../../entity/credentials-item/credentials-item.state.js';
import {
  CREDENTIALS_ITEM_REPOSITORY,
  type CredentialsItemRepositoryPort,
} from '../port/credentials-item.repository.port.js';
import { GetCredentialsItemQuery } from './get-credentials-item.query.js';

/** @throws CredentialsItemNotFoundError (404) */
@QueryHandler(GetCredentialsItemQuery)
export class GetCredentialsItemUseCase implements IQueryHandler<GetCredentialsItemQuery, ActiveCredentialsItem> {
  constructor(@Inject(CREDENTIALS_ITEM_REPOSITORY) private readonly repository: CredentialsItemRepositoryPort) {}

  async execute({ itemId }: GetCredentialsItemQuery): Promise<ActiveCredentialsItem> {
    const { state } = await this.repository.load(itemId);
    if (state.status !== 'active') throw new CredentialsItemNotFoundError(itemId);
    return state;
  }
}
