import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UserNotFoundError } from '../../entity/user/user.errors.js';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { GetUserQuery } from './get-user.query.js';

/** @throws UserNotFoundError (404) */
@QueryHandler(GetUserQuery)
export class GetUserUseCase implements IQueryHandler<GetUserQuery, ActiveUser> {
  constructor(@Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort) {}

  async execute({ userId }: GetUserQuery): Promise<ActiveUser> {
    const { state } = await this.repository.load(userId);
    if (state.status !== 'active') throw new UserNotFoundError(userId);
    return state;
  }
}
