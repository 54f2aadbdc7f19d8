import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodBody,
  ZodParams,
} from '@archipelago/platform-service';
import { Controller, Delete, Get, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenSubject } from '../../use-case/port/access-tokens.port.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  BeginTotpEnrolmentCommand,
  ConfirmTotpEnrolmentCommand,
  DisableTotpCommand,
  GetTotpStatusQuery,
  ResetTotpCommand,
  type TotpEnrolment,
  type TotpStatus,
} from '../../use-case/totp/totp.messages.js';
import { BearerAuthGuard, Caller, RequireRoles } from './bearer-auth.guard.js';
import { userIdParams } from './user.schemas.js';
import { RetryLaterFilter } from './retry-later.filter.js';
import { clientIp } from './token-request.js';
import {
  beginTotpBody,
  confirmTotpBody,
  disableTotpBody,
  recoveryCodesDto,
  totpEnrolmentDto,
  totpStatusDto,
  type BeginTotpBody,
  type ConfirmTotpBody,
  type DisableTotpBody,
} from './totp.schemas.js';

function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

const SIGNED_IN =
  'Any signed-in user (bearer access token issued by identity to a user; 401 without a valid one, or when the account was disabled or deleted since).';

/** The caller's second factor: `/identity/v1/users/me/totp` (RFC 6238 TOTP). Translates, never decides. */
@ApiTags('users')
@Controller('identity/v1/users/me/totp')
@UseGuards(BearerAuthGuard)
@UseFilters(RetryLaterFilter)
export class TotpHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    summary: "The caller's second factor: none, pending or enabled, and recovery codes left",
    description: `${SIGNED_IN} Never returns the secret. \`required\`: the caller's role requires a second factor (IDENTITY_MFA_REQUIRED_ROLES); without one, the next sign-in on the login page enrols it. 404 \`USER.NOT_FOUND\` when no account has the token's \`sub\`.`,
  })
  @ApiZodResponse(200, totpStatusDto)
  @ApiProblemResponses(401, 404)
  async status(@Caller() caller: AccessTokenSubject): Promise<TotpStatus> {
    return this.queries.execute(new GetTotpStatusQuery(caller.subject));
  }

  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Start a TOTP enrolment (current password required): otpauth:// key URI, QR code (SVG) and secret, shown once',
    description: `${SIGNED_IN} Body \`{"password": …}\`: the current password, asked again so that a bearer token alone cannot bind an authenticator to the account (throttled like a sign-in). Creates a pending TOTP authenticator (RFC 6238: SHA-1, 6 digits, 30 s), replacing an earlier pending one; sign-ins do not change until it is confirmed with POST /identity/v1/users/me/totp/confirm. The secret is stored encrypted (AES-256-GCM) and never returned again (\`Cache-Control: no-store\`). 400 \`USER.WRONG_PASSWORD\`; 409 \`TOTP.ALREADY_ENABLED\` when an authenticator is already confirmed (remove it first); 404 \`USER.NOT_FOUND\` when no account has the token's \`sub\`; 429 with \`Retry-After\` after repeated wrong passwords; 503 when password hashing is saturated.`,
  })
  @ApiZodBody(beginTotpBody)
  @ApiZodResponse(201, totpEnrolmentDto, 'Pending enrolment')
  @ApiProblemResponses(400, 401, 404, 409, 429, 503)
  async begin(
    @Caller() caller: AccessTokenSubject,
    @ZodBody(beginTotpBody) body: BeginTotpBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TotpEnrolment & { status: 'pending' }> {
    void reply.header('Cache-Control', 'no-store');
    const enrolment: TotpEnrolment = await this.commands.execute(
      new BeginTotpEnrolmentCommand(caller.subject, body.password, clientIp(request)),
    );
    return { ...enrolment, status: 'pending' };
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Confirm the TOTP enrolment with a current code; returns the 10 recovery codes once',
    description: `${SIGNED_IN} \`code\`: the authenticator's current 6-digit code (±1 step of 30 s). The authenticator becomes required at every sign-in (\`amr\` \`["pwd","otp"]\`), and 10 one-time recovery codes are returned this once (identity keeps their SHA-256 only; \`Cache-Control: no-store\`). Publishes TotpEnabledV1. 400 \`TOTP.INVALID_CODE\` for a wrong code; 404 \`TOTP.NOT_ENROLLED\` when no enrolment is pending; 429 with \`Retry-After\` after repeated wrong codes.`,
  })
  @ApiZodBody(confirmTotpBody)
  @ApiZodResponse(200, recoveryCodesDto, 'Enabled; the recovery codes, shown once')
  @ApiProblemResponses(400, 401, 404, 409, 429)
  async confirm(
    @Caller() caller: AccessTokenSubject,
    @ZodBody(confirmTotpBody) body: ConfirmTotpBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ recoveryCodes: string[] }> {
    void reply.header('Cache-Control', 'no-store');
    const recoveryCodes: string[] = await this.commands.execute(
      new ConfirmTotpEnrolmentCommand(caller.subject, body.code, commandContext()),
    );
    return { recoveryCodes };
  }

  @Delete()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Remove the TOTP authenticator and its recovery codes (current password or a one-time code required)',
    description: `${SIGNED_IN} Body: \`{"password": …}\` (the current password) or \`{"code": …}\` (a current TOTP code or an unused recovery code). Sign-ins need the password only again (unless the account's role requires a second factor: then the next sign-in on the login page enrols a new one). Publishes TotpDisabledV1. 400 \`USER.WRONG_PASSWORD\` or \`TOTP.INVALID_CODE\`; 404 \`TOTP.NOT_ENROLLED\` when there is no authenticator; 429 with \`Retry-After\` after repeated failures; 503 when password hashing is saturated.`,
  })
  @ApiZodBody(disableTotpBody)
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiProblemResponses(400, 401, 404, 409, 429, 503)
  async disable(
    @Caller() caller: AccessTokenSubject,
    @ZodBody(disableTotpBody) body: DisableTotpBody,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.commands.execute(
      new DisableTotpCommand(
        caller.subject,
        'password' in body ? { password: body.password } : { code: body.code },
        commandContext(),
        clientIp(request),
      ),
    );
  }
}

/** Admin reset of a user's second factor: `DELETE /identity/v1/users/{id}/totp`. */
@ApiTags('users')
@Controller('identity/v1/users')
@UseGuards(BearerAuthGuard)
export class TotpAdminHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':id/totp')
  @HttpCode(204)
  @RequireRoles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Reset a user's TOTP authenticator (admin): lost phone and recovery codes",
    description:
      "Admins only (bearer access token with the role `admin`; 401 without a valid token, 403 without the role). Removes the user's authenticator and recovery codes and ends every session of the user; the next sign-in needs the password only, or enrols a new authenticator when the user's role requires one. Publishes TotpDisabledV1 (the user gets a security message). 404 `USER.NOT_FOUND` or `TOTP.NOT_ENROLLED`; 409 `USER.CONCURRENCY_CONFLICT` when concurrent changes kept winning over the retries of the service (try again).",
  })
  @ApiResponse({
    status: 204,
    description: 'Removed; the user signs in with the password (and enrols again if required)',
  })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async reset(@ZodParams(userIdParams) params: { id: string }): Promise<void> {
    await this.commands.execute(new ResetTotpCommand(params.id, commandContext()));
  }
}
