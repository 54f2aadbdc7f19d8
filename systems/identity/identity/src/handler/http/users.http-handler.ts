import {
  ApiProblemResponses,
  ApiPublic,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ProblemException,
  ZodBody,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Delete, Get, HttpCode, Patch, Post, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveUser, ExistingUser } from '../../entity/user/user.state.js';
import { ChangePasswordCommand } from '../../use-case/change-password/change-password.command.js';
import { EndSessionCommand, ListSessionsQuery } from '../../use-case/sessions/sessions.messages.js';
import { SetUserEnabledCommand } from '../../use-case/set-user-enabled/set-user-enabled.command.js';
import type { SessionView } from '../../use-case/port/refresh-token.store.port.js';
import { clientIp } from './token-request.js';
import { ChangeDisplayNameCommand } from '../../use-case/change-display-name/change-display-name.command.js';
import { ChangeRolesCommand } from '../../use-case/change-roles/change-roles.command.js';
import { GetUserQuery } from '../../use-case/get-user/get-user.query.js';
import { ListUsersQuery } from '../../use-case/list-users/list-users.query.js';
import { RegisterUserCommand } from '../../use-case/register-user/register-user.command.js';
import type { AccessTokenSubject } from '../../use-case/port/access-tokens.port.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import type { UserPage } from '../../use-case/port/user.read-model.port.js';
import { RetryLaterFilter } from './retry-later.filter.js';
import { BearerAuthGuard, Caller, RequireRoles } from './bearer-auth.guard.js';
import {
  changeMeBody,
  changePasswordBody,
  changeRolesBody,
  changeStatusBody,
  sessionIdParams,
  sessionListDto,
  listUsersQuery,
  registerUserBody,
  userDto,
  userIdParams,
  userPageDto,
  type ChangeMeBody,
  type ChangePasswordBody,
  type ChangeStatusBody,
  type ChangeRolesBody,
  type RegisterUserBody,
  type UserDto,
} from './user.schemas.js';

const toDto = (
  u: { id: string; email: string; displayName: string; roles: readonly string[] } & (
    { status: ExistingUser['status'] } | { disabled: boolean }
  ),
): UserDto => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  roles: [...u.roles],
  disabled: 'disabled' in u ? u.disabled : u.status === 'disabled',
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
@UseFilters(RetryLaterFilter)
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

  @Put('me/password')
  @HttpCode(204)
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Change the caller's password (current one required); ends every other session of the caller",
  })
  @ApiZodBody(changePasswordBody)
  @ApiProblemResponses(400, 401, 429, 503)
  async changePassword(
    @Caller() caller: AccessTokenSubject,
    @ZodBody(changePasswordBody) body: ChangePasswordBody,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.commands.execute(
      new ChangePasswordCommand(
        caller.subject,
        body.currentPassword,
        body.newPassword,
        caller.sessionId,
        clientIp(request),
      ),
    );
  }

  @Get('me/sessions')
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's live sessions (refresh-token families): client, created, last used, IP" })
  @ApiZodResponse(200, sessionListDto)
  @ApiProblemResponses(401)
  async sessions(
    @Caller() caller: AccessTokenSubject,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ items: Array<SessionView & { current: boolean }> }> {
    void reply.header('Cache-Control', 'no-store');
    const items: SessionView[] = await this.queries.execute(new ListSessionsQuery(caller.subject));
    return { items: items.map((s) => ({ ...s, current: s.id === caller.sessionId })) };
  }

  @Delete('me/sessions/:id')
  @HttpCode(204)
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "End one of the caller's sessions (its refresh tokens stop working)" })
  @ApiProblemResponses(400, 401, 404)
  async endSession(
    @Caller() caller: AccessTokenSubject,
    @ZodParams(sessionIdParams) params: { id: string },
  ): Promise<void> {
    const ended: boolean = await this.commands.execute(new EndSessionCommand(caller.subject, params.id));
    if (!ended) throw new ProblemException(404, { title: 'Not Found', detail: 'No such live session' });
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

  @Put(':id/status')
  @UseGuards(BearerAuthGuard)
  @RequireRoles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Disable or enable a user (admin). Disabled: no token of any grant, sessions ended, UserDisabledV1',
  })
  @ApiZodBody(changeStatusBody)
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(400, 401, 403, 404)
  async changeStatus(
    @ZodParams(userIdParams) params: { id: string },
    @ZodBody(changeStatusBody) body: ChangeStatusBody,
  ): Promise<UserDto> {
    const user: ExistingUser = await this.commands.execute(
      new SetUserEnabledCommand(params.id, body.disabled === false, commandContext()),
    );
    return toDto(user);
  }
}
