import {
  ApiProblemResponses,
  ApiPublic,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodBody,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, HttpCode, Patch, Post, Put, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { ChangeDisplayNameCommand } from '../../use-case/change-display-name/change-display-name.command.js';
import { ChangeRolesCommand } from '../../use-case/change-roles/change-roles.command.js';
import { GetUserQuery } from '../../use-case/get-user/get-user.query.js';
import { ListUsersQuery } from '../../use-case/list-users/list-users.query.js';
import { RegisterUserCommand } from '../../use-case/register-user/register-user.command.js';
import type { AccessTokenSubject } from '../../use-case/port/access-tokens.port.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import type { UserPage } from '../../use-case/port/user.read-model.port.js';
import { HashingBusyFilter } from './hashing-busy.filter.js';
import { BearerAuthGuard, Caller, RequireRoles } from './bearer-auth.guard.js';
import {
  changeMeBody,
  changeRolesBody,
  listUsersQuery,
  registerUserBody,
  userDto,
  userIdParams,
  userPageDto,
  type ChangeMeBody,
  type ChangeRolesBody,
  type RegisterUserBody,
  type UserDto,
} from './user.schemas.js';

const toDto = (u: { id: string; email: string; displayName: string; roles: readonly string[] }): UserDto => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  roles: [...u.roles],
});

function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

/** Public HTTP API of user accounts: `/identity/v1/users`. Translates, never decides. */
@ApiTags('users')
@Controller('identity/v1/users')
@UseFilters(HashingBusyFilter)
export class UsersHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiPublic()
  @ApiOperation({
    summary: 'Register an account (public); roles: customer',
    description:
      'Creates an account with the role customer; Location names it. The e-mail address is compared case-insensitively: one already registered is a 409.',
  })
  @ApiZodBody(registerUserBody)
  @ApiZodResponse(201, userDto, 'Created; Location names the user')
  @ApiProblemResponses(400, 409, 503)
  async register(
    @ZodBody(registerUserBody) body: RegisterUserBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserDto> {
    const user: ActiveUser = await this.commands.execute(new RegisterUserCommand(body, commandContext()));
    reply.header('Location', `/identity/v1/users/${user.id}`);
    return toDto(user);
  }

  @Get('me')
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's account" })
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(401, 404)
  async me(@Caller() caller: AccessTokenSubject): Promise<UserDto> {
    return toDto(await this.queries.execute<GetUserQuery, ActiveUser>(new GetUserQuery(caller.subject)));
  }

  @Patch('me')
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Change the caller's display name" })
  @ApiZodBody(changeMeBody)
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(400, 401, 404)
  async changeMe(@Caller() caller: AccessTokenSubject, @ZodBody(changeMeBody) body: ChangeMeBody): Promise<UserDto> {
    return toDto(
      await this.commands.execute(new ChangeDisplayNameCommand(caller.subject, body.displayName, commandContext())),
    );
  }

  @Get()
  @UseGuards(BearerAuthGuard)
  @RequireRoles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'List users in registration order (admin; keyset pagination)' })
  @ApiZodResponse(200, userPageDto)
  @ApiProblemResponses(400, 401, 403)
  async list(@ZodQuery(listUsersQuery) query: { limit: number; cursor?: string }) {
    const page: UserPage = await this.queries.execute(new ListUsersQuery(query.limit, query.cursor));
    return { items: page.items.map(toDto), nextCursor: page.nextCursor };
  }

  @Put(':id/roles')
  @UseGuards(BearerAuthGuard)
  @RequireRoles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Replace a user's roles (admin)" })
  @ApiZodBody(changeRolesBody)
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(400, 401, 403, 404)
  async changeRoles(
    @ZodParams(userIdParams) params: { id: string },
    @ZodBody(changeRolesBody) body: ChangeRolesBody,
  ): Promise<UserDto> {
    return toDto(await this.commands.execute(new ChangeRolesCommand(params.id, body.roles, commandContext())));
  }
}
