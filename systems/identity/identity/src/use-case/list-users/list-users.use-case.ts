import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { USER_READ_MODEL, type UserPage, type UserReadModelPort } from '../port/user.read-model.port.js';
import { ListUsersQuery } from './list-users.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListUsersQuery)
export class ListUsersUseCase implements IQueryHandler<ListUsersQuery, UserPage> {
  constructor(@Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort) {}

  execute({ limit, cursor }: ListUsersQuery): Promise<UserPage> {
    return this.readModel.list(limit, cursor);
  }
}
