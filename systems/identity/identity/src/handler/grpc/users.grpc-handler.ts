import {
  UsersServiceControllerMethods,
  type GetUserRequest,
  type GetUserResponse,
  type UsersServiceController,
} from '@archipelago/identity-contracts';
import { toGrpcError } from '@archipelago/platform-grpc';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { UserNotFoundError } from '../../entity/user/user.errors.js';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { GetUserQuery } from '../../use-case/get-user/get-user.query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** gRPC `archipelago.identity.users.v1.UsersService`: public profiles, never credentials. */
@Controller()
@UsersServiceControllerMethods()
export class UsersGrpcHandler implements UsersServiceController {
  constructor(private readonly queries: QueryBus) {}

  async getUser(request: GetUserRequest): Promise<GetUserResponse> {
    if (!UUID.test(request.id ?? '')) throw toGrpcError('INVALID_ARGUMENT', 'id must be a UUID');
    try {
      const user = await this.queries.execute<GetUserQuery, ActiveUser>(new GetUserQuery(request.id));
      return { user: { id: user.id, email: user.email, displayName: user.displayName, roles: [...user.roles] } };
    } catch (error) {
      if (error instanceof UserNotFoundError) throw toGrpcError('NOT_FOUND', error.message);
      throw error;
    }
  }
}
