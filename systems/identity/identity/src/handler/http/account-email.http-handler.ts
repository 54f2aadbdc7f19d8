import {
  ApiProblemResponses,
  ApiPublic,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodBody,
} from '@archipelago/platform-service';
import { Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EmailTokenInvalidError } from '../../entity/user/user.errors.js';
import {
  ConfirmPasswordResetCommand,
  RequestEmailVerificationCommand,
  RequestPasswordResetCommand,
  VerifyEmailCommand,
} from '../../use-case/account-email/account-email.messages.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { ApiEmailLinkForm, ApiEmailLinkPage } from './account-email.openapi.js';
import { outcomePage, PAGE_CSP, resetPasswordPage, verifyEmailPage } from './login-page.js';
import { RetryLaterFilter } from './retry-later.filter.js';
import { clientIp } from './token-request.js';
import {
  confirmPasswordResetBody,
  emailRequestAcceptedDto,
  emailRequestBody,
  verifyEmailBody,
  type ConfirmPasswordResetBody,
  type EmailRequestBody,
  type VerifyEmailBody,
} from './user.schemas.js';

const ACCEPTED = { status: 'accepted', detail: 'If an account has this address, we sent it a message.' } as const;
const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return { correlationId: ctx?.correlationId, causationId: ctx?.requestId, traceparent: ctx?.traceparent };
}

/** One string parameter of a query or form body ('' when missing, repeated or too long). */
function param(input: unknown, name: string): string {
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.length <= 4096 ? value : '';
}

function html(reply: FastifyReply, status: number, body: string): string {
  void reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('x-frame-options', 'DENY')
    // The token is in the page's URL: never sent on as a Referer, never cached.
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
  return body;
}

const INVALID_LINK = 'This link is invalid, expired or was already used. Ask for a new one.';

/**
 * E-mail verification and password reset: the JSON API (`/identity/v1/email-verification`,
 * `/identity/v1/password-reset`) and the pages the e-mailed links open (`…/page`). Every request
 * that may send an e-mail answers the same whether or not the address has an account.
 */
@ApiTags('account')
@Controller('identity/v1')
@UseFilters(RetryLaterFilter)
export class AccountEmailHttpHandler {
  constructor(private readonly commands: CommandBus) {}

  @Post('email-verification')
  @HttpCode(204)
  @ApiPublic()
  @ApiOperation({
    summary: "Verify the account's e-mail address with the token of the e-mailed link (single use)",
    description:
      'Public (holding the token is the proof). 204: the address of the account the link was sent for is verified (`emailVerified: true`, claim `email_verified` in tokens issued from now on). ' +
      '400 `USER.EMAIL_TOKEN_INVALID` for a token that is unknown, used, superseded by a newer link or expired (24 h by default); 400 on a malformed body.',
  })
  @ApiZodBody(verifyEmailBody)
  @ApiResponse({ status: 204, description: 'Verified' })
  @ApiProblemResponses(400)
  async verifyEmail(@ZodBody(verifyEmailBody) body: VerifyEmailBody): Promise<void> {
    await this.commands.execute(new VerifyEmailCommand(body.token, commandContext()));
  }

  @Post('email-verification/resend')
  @HttpCode(202)
  @ApiPublic()
  @ApiOperation({
    summary: 'Send a new verification link (the previous one stops working); same answer for any address',
    description:
      'Public. 202 with the same body whether or not the address has an account, and whether or not it is verified already; a link is e-mailed only to an active account whose address is not verified. ' +
      '429 with `Retry-After` after a few requests for one address (or many from one IP) in a short time; 400 on a malformed body.',
  })
  @ApiZodBody(emailRequestBody)
  @ApiZodResponse(202, emailRequestAcceptedDto, 'Accepted (the same answer for every address)')
  @ApiProblemResponses(400, 429)
  async resendVerification(
    @ZodBody(emailRequestBody) body: EmailRequestBody,
    @Req() request: FastifyRequest,
  ): Promise<typeof ACCEPTED> {
    await this.commands.execute(new RequestEmailVerificationCommand(body.email, clientIp(request)));
    return ACCEPTED;
  }

  @Post('password-reset')
  @HttpCode(202)
  @ApiPublic()
  @ApiOperation({
    summary: 'Ask for a password reset link by e-mail; same answer whether or not the address has an account',
    description:
      'Public. 202 with the same body for every address; when an active account has it, a reset link is e-mailed (single use, 30 min by default; a newer request or a password change makes it stop working; PasswordResetRequestedV1 → notifications, security category). ' +
      '429 with `Retry-After` after a few requests for one address (or many from one IP) in a short time; 400 on a malformed body.',
  })
  @ApiZodBody(emailRequestBody)
  @ApiZodResponse(202, emailRequestAcceptedDto, 'Accepted (the same answer for every address)')
  @ApiProblemResponses(400, 429)
  async requestReset(
    @ZodBody(emailRequestBody) body: EmailRequestBody,
    @Req() request: FastifyRequest,
  ): Promise<typeof ACCEPTED> {
    await this.commands.execute(new RequestPasswordResetCommand(body.email, clientIp(request)));
    return ACCEPTED;
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiPublic()
  @ApiOperation({
    summary: 'Set a new password with the token of the e-mailed reset link; ends every session of the account',
    description:
      'Public (holding the token is the proof). 204: the password is replaced, every session of the account ends (refresh tokens stop working), failed sign-in delays of the account are forgotten, the address counts as verified and the owner is told by e-mail (PasswordChangedV1). ' +
      '400 `USER.EMAIL_TOKEN_INVALID` for a token that is unknown, used, superseded, revoked by a password change or expired; 400 when the new password is too short or too long; 503 when password hashing is saturated (retry after `Retry-After`; the link still works).',
  })
  @ApiZodBody(confirmPasswordResetBody)
  @ApiResponse({ status: 204, description: 'Password replaced; every session of the account ended' })
  @ApiProblemResponses(400, 503)
  async confirmReset(@ZodBody(confirmPasswordResetBody) body: ConfirmPasswordResetBody): Promise<void> {
    await this.commands.execute(new ConfirmPasswordResetCommand(body.token, body.newPassword, commandContext()));
  }

  @Get('email-verification/page')
  @ApiEmailLinkPage('verify')
  verifyEmailPage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): string {
    const token = param(request.query, 'token');
    if (!TOKEN.test(token)) return html(reply, 400, outcomePage('Link not valid', INVALID_LINK, true));
    return html(reply, 200, verifyEmailPage(token));
  }

  @Post('email-verification/page')
  @ApiEmailLinkForm('verify')
  async verifyEmailForm(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = param(request.body, 'token');
    try {
      if (!TOKEN.test(token)) throw new EmailTokenInvalidError();
      await this.commands.execute(new VerifyEmailCommand(token, commandContext()));
      return html(
        reply,
        200,
        outcomePage('Address verified', 'Thank you: your e-mail address is verified. You can close this page.'),
      );
    } catch (error) {
      if (error instanceof EmailTokenInvalidError)
        return html(reply, 400, outcomePage('Link not valid', INVALID_LINK, true));
      throw error;
    }
  }

  @Get('password-reset/page')
  @ApiEmailLinkPage('reset')
  resetPasswordPage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): string {
    const token = param(request.query, 'token');
    if (!TOKEN.test(token)) return html(reply, 400, outcomePage('Link not valid', INVALID_LINK, true));
    return html(reply, 200, resetPasswordPage(token));
  }

  @Post('password-reset/page')
  @ApiEmailLinkForm('reset')
  async resetPasswordForm(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = param(request.body, 'token');
    const newPassword = param(request.body, 'newPassword');
    if (!TOKEN.test(token)) return html(reply, 400, outcomePage('Link not valid', INVALID_LINK, true));
    if (newPassword.length < 8 || newPassword.length > 256)
      return html(reply, 400, resetPasswordPage(token, 'The new password must have 8 to 256 characters.'));
    try {
      await this.commands.execute(new ConfirmPasswordResetCommand(token, newPassword, commandContext()));
      return html(
        reply,
        200,
        outcomePage(
          'Password changed',
          'Your new password is set and every session of your account ended. Sign in again.',
        ),
      );
    } catch (error) {
      if (error instanceof EmailTokenInvalidError)
        return html(reply, 400, outcomePage('Link not valid', INVALID_LINK, true));
      throw error;
    }
  }
}
