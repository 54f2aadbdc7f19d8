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
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
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
  registrationAcceptedDto,
  userDto,
  userIdParams,
  userPageDto,
  type ChangeMeBody,
  type ChangePasswordBody,
  type ChangeStatusBody,
  type ChangeRolesBody,
  type RegisterUserBody,
  type RegistrationAcceptedDto,
  type UserDto,
} from './user.schemas.js';

const toDto = (
  u: { id: string; email: string; displayName: string; roles: readonly string[]; emailVerified: boolean } & (
    { status: ExistingUser['status'] } | { disabled: boolean }
  ),
): UserDto => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  roles: [...u.roles],
  disabled: 'disabled' in u ? u.disabled : u.status === 'disabled',
  emailVerified: u.emailVerified,
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
  @HttpCode(202)
  @ApiPublic()
  @ApiOperation({
    summary: 'Register an account (public); roles: customer. Same answer whether or not the address is taken',
    description:
      'Public (no token). 202 with the same neutral body whether or not the address already has an account (no enumeration; compared case-insensitively). ' +
      'A new address: the account is created with the role customer and `emailVerified: false`, and a verification link (single use, 24 h by default) is e-mailed ' +
      '(EmailVerificationRequestedV1 → notifications); the user can sign in at once unless the environment requires verified addresses. ' +
      'An address that already has an account: nothing is created and its owner is told by e-mail that someone tried to register it (RegistrationAttemptedV1; a few per address, then throttled). ' +
      'The account id is the `sub` of the tokens the user gets (or `GET /identity/v1/users/me`). ' +
      '400 on invalid fields (`USER.INVALID` for a rule of the account, e.g. a password too short); 503 when password hashing is saturated (retry after `Retry-After`). Publishes UserRegisteredV1.',
  })
  @ApiZodBody(registerUserBody)
  @ApiZodResponse(202, registrationAcceptedDto, 'Accepted: check your e-mail (the same answer for a taken address)')
  @ApiProblemResponses(400, 503)
  async register(@ZodBody(registerUserBody) body: RegisterUserBody): Promise<RegistrationAcceptedDto> {
    await this.commands.execute(new RegisterUserCommand(body, commandContext()));
    return {
      status: 'accepted',
      detail: 'Check your e-mail: we sent a message to the address to finish the registration.',
    };
  }

  @Get('me')
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "The caller's account",
    description:
      "Any signed-in user (bearer access token issued by identity to a user; 401 without a valid one, or when the account was disabled or deleted since). The account of the token's `sub`: e-mail, display name, roles. 404 `USER.NOT_FOUND` when no account has the token's `sub`.",
  })
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(401, 404)
  async me(@Caller() caller: AccessTokenSubject): Promise<UserDto> {
    return toDto(await this.queries.execute<GetUserQuery, ActiveUser>(new GetUserQuery(caller.subject)));
  }

  @Patch('me')
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Change the caller's display name",
    description:
      "Any signed-in user (bearer access token issued by identity to a user; 401 without a valid one, or when the account was disabled or deleted since). Sets the display name (1–100 characters, trimmed). 404 `USER.NOT_FOUND` when no account has the token's `sub`; 409 `USER.CONCURRENCY_CONFLICT` when concurrent changes kept winning over the retries of the service (try again).",
  })
  @ApiZodBody(changeMeBody)
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(400, 401, 404, 409)
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
    description:
      'Any signed-in user (bearer access token issued by identity to a user; 401 without a valid one, or when the account was disabled or deleted since). 204 when changed: every other session of the caller ends (their refresh tokens stop working), the current one stays; the owner is told by e-mail (PasswordChangedV1, a security message). 400 `USER.WRONG_PASSWORD` when `currentPassword` is wrong (counts as a failed sign-in: repeated failures lock it, 429 with `Retry-After`); 400 when the new password is too short or too long; 503 when password hashing is saturated (retry).',
  })
  @ApiZodBody(changePasswordBody)
  @ApiResponse({ status: 204, description: 'Changed; every other session of the caller ended' })
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
        currentRequestContext()?.traceparent,
      ),
    );
  }

  @Get('me/sessions')
  @UseGuards(BearerAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "The caller's live sessions (refresh-token families): client, created, last used, IP",
    description:
      'Any signed-in user (bearer access token issued by identity to a user; 401 without a valid one, or when the account was disabled or deleted since). Each sign-in whose refresh token still works: the client (null for the password grant), when it started and was last used, from which IP, when it expires; `current` marks the session of the token making the request. Not cached (`no-store`).',
  })
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
  @ApiOperation({
    summary: "End one of the caller's sessions (its refresh tokens stop working)",
    description:
      "Any signed-in user (bearer access token issued by identity to a user; 401 without a valid one, or when the account was disabled or deleted since). 204 when the session ended: its refresh tokens stop working, its access tokens are refused by identity. 404 when the caller has no live session with that id (another user's sessions are 404 too).",
  })
  @ApiResponse({ status: 204, description: 'Ended: its refresh tokens stop working' })
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
  @ApiOperation({
    summary: 'List users in registration order (admin; keyset pagination)',
    description:
      'Admins only (bearer access token with the role `admin`; 401 without a valid token, 403 without the role). `limit` users per page in registration order; pass `nextCursor` back as `cursor` (400 `PAGINATION.INVALID_CURSOR` for a cursor this API did not give). Read from the user list projection.',
  })
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
  @ApiOperation({
    summary: "Replace a user's roles (admin)",
    description:
      "Admins only (bearer access token with the role `admin`; 401 without a valid token, 403 without the role). The user's roles become exactly `roles`; tokens issued from then on carry them (identity's own API uses the current roles at once). 404 `USER.NOT_FOUND`; 400 `USER.INVALID` for a role set the account refuses; 400 `USER.SELF_LOCKOUT` when the caller would remove their own `admin` role (another admin can); 409 `USER.CONCURRENCY_CONFLICT` when concurrent changes kept winning over the retries of the service (try again). Publishes UserRolesChangedV1.",
  })
  @ApiZodBody(changeRolesBody)
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
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
    description:
      'Admins only (bearer access token with the role `admin`; 401 without a valid token, 403 without the role). `disabled: true`: the account gets no token of any grant, every session ends and its access tokens are refused by identity (UserDisabledV1); `disabled: false` enables it again (UserEnabledV1). Setting the status it already has changes nothing. 400 `USER.SELF_LOCKOUT` when the caller would disable their own account (another admin can); 404 `USER.NOT_FOUND`; 409 `USER.CONCURRENCY_CONFLICT` when concurrent changes kept winning over the retries of the service (try again).',
  })
  @ApiZodBody(changeStatusBody)
  @ApiZodResponse(200, userDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
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
