import { Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAuthorizeEndpoint, ApiLogoutEndpoint, ApiSignInEndpoint, ApiUserinfoEndpoint } from './oidc.openapi.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveUser } from '../../entity/user/user.state.js';
import {
  type AuthorizationCompletion,
  type AuthorizationStart,
  CompleteAuthorizationCommand,
  EndSessionByHintCommand,
  StartAuthorizationQuery,
} from '../../use-case/authorize/authorize.messages.js';
import { AuthenticateQuery } from '../../use-case/authenticate/authenticate.query.js';
import { GetUserQuery } from '../../use-case/get-user/get-user.query.js';
import type { AccessTokenSubject } from '../../use-case/port/access-tokens.port.js';
import {
  enrolPage,
  errorPage,
  loginPage,
  PAGE_CSP,
  recoveryCodesPage,
  secondFactorPage,
  signedOutPage,
} from './login-page.js';
import { RetryLaterFilter } from './retry-later.filter.js';
import { clientIp } from './token-request.js';

/** Query or form parameters as single strings (a repeated parameter is dropped: invalid_request later). */
function single(input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof input !== 'object' || input === null) return out;
  for (const [name, value] of Object.entries(input))
    if (typeof value === 'string' && value.length <= 4096) out[name] = value;
  return out;
}

function html(reply: FastifyReply, status: number, body: string): string {
  void reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
  return body;
}

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * OpenID Connect endpoints for browsers and relying parties: the authorization endpoint with its
 * server-rendered sign-in page (Core §3.1.2), UserInfo (§5.3) and RP-initiated logout
 * (`end_session_endpoint`). The token endpoint's `authorization_code` grant is in TokenHttpHandler.
 */
@ApiTags('openid-connect')
@Controller('identity/v1')
@UseFilters(RetryLaterFilter)
export class OidcHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('authorize')
  @ApiAuthorizeEndpoint()
  async authorize(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const start: AuthorizationStart = await this.queries.execute(new StartAuthorizationQuery(single(request.query)));
    if (start.kind === 'redirect') return this.redirect(reply, start.url, 302);
    if (start.kind === 'error') return html(reply, 400, errorPage(start.error, start.description));
    return html(reply, 200, loginPage({ requestId: start.requestId, clientId: start.clientId }));
  }

  @Post('authorize')
  @ApiSignInEndpoint()
  async signIn(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const form = single(request.body);
    const done: AuthorizationCompletion = await this.commands.execute(
      new CompleteAuthorizationCommand(
        form['request_id'] ?? '',
        form['email'] ?? '',
        form['password'] ?? '',
        clientIp(request),
        form['otp'],
        form['send_email_code'] !== undefined,
      ),
    );
    // 303: the browser follows with a GET (RFC 9110 §15.4.4), not re-posting the password.
    if (done.kind === 'redirect') return this.redirect(reply, done.url, 303);
    if (done.kind === 'error') return html(reply, 400, errorPage(done.error, done.description));
    if (done.kind === 'second-factor')
      return html(
        reply,
        done.status,
        secondFactorPage({
          ...done,
          ...(done.message && { message: done.message }),
          ...(done.notice && { notice: done.notice }),
        }),
      );
    if (done.kind === 'enrol') return html(reply, done.status, enrolPage(done));
    if (done.kind === 'recovery-codes') return html(reply, 200, recoveryCodesPage(done));
    const page = loginPage({
      requestId: done.requestId,
      clientId: done.clientId,
      message: done.message,
      email: form['email'],
    });
    return html(reply, done.status, page);
  }

  @Get('userinfo')
  @ApiBearerAuth()
  @ApiUserinfoEndpoint()
  async userinfo(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.userinfoOf(request, reply);
  }

  @Post('userinfo')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiUserinfoEndpoint()
  async userinfoPost(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.userinfoOf(request, reply);
  }

  @Get('logout')
  @ApiLogoutEndpoint()
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const q = single(request.query);
    const { redirect }: { redirect?: string } = await this.commands.execute(
      new EndSessionByHintCommand(q['id_token_hint'], q['post_logout_redirect_uri'], q['state'], q['client_id']),
    );
    if (redirect) return this.redirect(reply, redirect, 302);
    return html(reply, 200, signedOutPage());
  }

  private async userinfoOf(request: FastifyRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
    void reply.header('cache-control', 'no-store');
    const match = BEARER.exec(request.headers.authorization ?? '');
    const caller = match
      ? await this.queries
          .execute<AuthenticateQuery, AccessTokenSubject>(new AuthenticateQuery(match[1]!))
          .catch(() => undefined)
      : undefined;
    if (!caller || caller.email === undefined) {
      void reply.status(401).header('WWW-Authenticate', 'Bearer error="invalid_token"');
      return { error: 'invalid_token' };
    }
    const scopes = caller.scope?.split(' ') ?? [];
    if (!scopes.includes('openid')) {
      void reply.status(403).header('WWW-Authenticate', 'Bearer error="insufficient_scope", scope="openid"');
      return { error: 'insufficient_scope' };
    }
    const user = await this.queries.execute<GetUserQuery, ActiveUser>(new GetUserQuery(caller.subject));
    return {
      sub: user.id,
      ...(scopes.includes('email') && { email: user.email, email_verified: user.emailVerified }),
      ...(scopes.includes('profile') && { name: user.displayName }),
    };
  }

  private redirect(reply: FastifyReply, url: string, status: 302 | 303): string {
    void reply.status(status).header('location', url).header('cache-control', 'no-store');
    return '';
  }
}
