import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { parseScope } from '../../entity/token/scope.js';
import {
  EMAIL_NOT_VERIFIED,
  InvalidClientError,
  InvalidGrantError,
  InvalidTokenRequestError,
} from '../../entity/token/token.errors.js';
import { normaliseEmail } from '../../entity/user/email.js';
import {
  EMAIL_OTP_TTL_SECONDS,
  InvalidOneTimeCodeError,
  mfaRequired,
} from '../../entity/second-factor/second-factor.js';
import { EMAIL_OTPS, type EmailOtpsPort } from '../port/email-otps.port.js';
import { ACCESS_TOKENS, type AccessTokensPort } from '../port/access-tokens.port.js';
import {
  AUTHORIZATION_CODES,
  type AuthorizationCodesPort,
  type StoredAuthorizationRequest,
} from '../port/authorization-codes.port.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { LOGIN_ATTEMPTS, type LoginAttemptsPort } from '../port/login-attempts.port.js';
import { OIDC_CLIENTS, type OidcClient, type OidcClientsPort } from '../port/oidc-clients.port.js';
import { HashingBusyError, PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { TOTP, TOTP_FACTORS, type TotpFactorsPort, type TotpPort } from '../port/totp.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { beginEnrolment, checkSecondFactor, confirmEnrolment, enrolmentFor } from '../totp/second-factor.js';
import { issueUserTokens, type TokenResponse } from '../token-response.js';
import {
  type AuthorizationCompletion,
  AuthorizationCodeGrantCommand,
  type AuthorizationStart,
  CompleteAuthorizationCommand,
  EndSessionByHintCommand,
  StartAuthorizationQuery,
} from './authorize.messages.js';
import { PKCE_VALUE, pkceS256Matches } from './pkce.js';

/** An authorization code lives 60 s; the login page (stored request) 10 minutes. */
export const CODE_TTL_SECONDS = 60;
export const REQUEST_TTL_SECONDS = 600;
const MAX_PARAM = 512;

/** `redirectUri` with the query parameters added (RFC 6749 §4.1.2: keep its own query). */
function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Validates an authorization request (OpenID Connect Core §3.1.2.1, RFC 7636, RFC 9700): the
 * client must be registered and the redirect URI one of its exact URIs — otherwise an error page,
 * never a redirect; then `response_type=code`, a scope with `openid` within the client's, and a
 * PKCE S256 challenge (other methods refused) — otherwise the error goes back to the client with
 * `state` (RFC 6749 §4.1.2.1). A valid request is stored and the login page shown.
 */
@QueryHandler(StartAuthorizationQuery)
export class StartAuthorizationUseCase implements IQueryHandler<StartAuthorizationQuery, AuthorizationStart> {
  constructor(
    @Inject(OIDC_CLIENTS) private readonly clients: OidcClientsPort,
    @Inject(AUTHORIZATION_CODES) private readonly codes: AuthorizationCodesPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ params }: StartAuthorizationQuery): Promise<AuthorizationStart> {
    const client = this.clients.find(params['client_id'] ?? '');
    if (!client) return { kind: 'error', error: 'invalid_request', description: 'Unknown client_id.' };
    const redirectUri = params['redirect_uri'] ?? '';
    if (!client.redirectUris.includes(redirectUri))
      return {
        kind: 'error',
        error: 'invalid_request',
        description: 'redirect_uri is not registered for this client.',
      };
    const state = params['state'];
    const fail = (error: string, description: string): AuthorizationStart => ({
      kind: 'redirect',
      url: withParams(redirectUri, {
        error,
        error_description: description,
        state,
        iss: this.settings.issuer,
      }),
    });
    if (params['response_type'] !== 'code')
      return fail('unsupported_response_type', 'Only response_type=code is supported.');
    if ((state?.length ?? 0) > MAX_PARAM || (params['nonce']?.length ?? 0) > MAX_PARAM)
      return fail('invalid_request', 'state and nonce are limited to 512 characters.');
    let scope: string | undefined;
    try {
      scope = parseScope(params['scope']);
    } catch {
      return fail('invalid_scope', 'The scope is malformed.');
    }
    const tokens = scope?.split(' ') ?? [];
    if (!tokens.includes('openid')) return fail('invalid_scope', 'The scope must include openid.');
    const refused = tokens.find((t) => !client.scopes.includes(t));
    if (refused) return fail('invalid_scope', `The scope ${refused} is not allowed for this client.`);
    const challenge = params['code_challenge'];
    if (!challenge || !PKCE_VALUE.test(challenge))
      return fail('invalid_request', 'A PKCE code_challenge (RFC 7636) is required.');
    if (params['code_challenge_method'] !== 'S256')
      return fail('invalid_request', 'code_challenge_method must be S256.');
    if (params['prompt'] === 'none') return fail('login_required', 'The user must sign in.');
    const requestId = await this.codes.saveRequest(
      {
        clientId: client.id,
        redirectUri,
        scope: scope!,
        ...(state !== undefined && { state }),
        ...(params['nonce'] !== undefined && { nonce: params['nonce'] }),
        codeChallenge: challenge,
      },
      this.clock.now(),
      REQUEST_TTL_SECONDS,
    );
    return { kind: 'login', requestId, clientId: client.id };
  }
}

/**
 * The login form: checks the password (throttled per account and IP like the password grant; an
 * unknown e-mail and a wrong password look alike), then issues a single-use code bound to the
 * client, redirect URI, PKCE challenge and nonce, valid 60 s, and redirects with `code`, `state`
 * and `iss` (RFC 9207).
 *
 * Second factor (issue 12 §3): when the account has TOTP, the right password only marks the
 * request signed in and the code step follows (TOTP of the ±1 window once, or a recovery code
 * once, or the 8-digit code the page e-mails on request — the fallback factor, a few per user then
 * progressive delays; wrong codes throttled per user); the code then carries `amr` `["pwd","otp"]`. When the
 * user's role is in `mfaRequiredRoles` and they have no TOTP yet, the page enrols one (QR code +
 * key URI), its first code confirms it and the recovery codes are shown once before continuing.
 */
@CommandHandler(CompleteAuthorizationCommand)
export class CompleteAuthorizationUseCase implements ICommandHandler<
  CompleteAuthorizationCommand,
  AuthorizationCompletion
> {
  constructor(
    @Inject(AUTHORIZATION_CODES) private readonly codes: AuthorizationCodesPort,
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(TOTP_FACTORS) private readonly factors: TotpFactorsPort,
    @Inject(TOTP) private readonly totp: TotpPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(EMAIL_OTPS) private readonly emailOtps: EmailOtpsPort,
  ) {}

  async execute(command: CompleteAuthorizationCommand): Promise<AuthorizationCompletion> {
    const { requestId, email: typed, password, clientIp } = command;
    const now = this.clock.now();
    const request = await this.codes.findRequest(requestId, now);
    if (!request) return EXPIRED;
    if (request.signedIn) return this.afterPassword(command, request, request.signedIn, now);
    const email = normaliseEmail(typed);
    const accountKey = `account:${email}`;
    const ipKeys = clientIp ? [`ip:${clientIp}`] : [];
    const admission = await this.attempts.begin(
      [
        { key: accountKey, policy: this.settings.loginAccountThrottle },
        ...ipKeys.map((key) => ({ key, policy: this.settings.loginIpThrottle })),
      ],
      now,
      this.settings.loginWindowSeconds,
    );
    if (!admission.admitted)
      return {
        kind: 'retry',
        requestId,
        clientId: request.clientId,
        status: 429,
        message: `Too many failed attempts. Try again in ${admission.retryAfterSeconds} seconds.`,
      };
    const credentials = await this.users.findCredentials(email);
    const matches = await this.hasher.verify(password, credentials?.passwordHash).catch(async (error: unknown) => {
      if (error instanceof HashingBusyError) await this.attempts.refund([accountKey, ...ipKeys]);
      throw error;
    });
    const user = credentials && matches ? (await this.users.load(credentials.userId)).state : undefined;
    if (!user || user.status !== 'active')
      return {
        kind: 'retry',
        requestId,
        clientId: request.clientId,
        status: 400,
        message: 'The e-mail address or password is incorrect.',
      };
    await this.attempts.succeeded(accountKey, ipKeys);
    if (this.settings.requireVerifiedEmail && !user.emailVerified)
      return { kind: 'retry', requestId, clientId: request.clientId, status: 403, message: EMAIL_NOT_VERIFIED };
    const authTime = now.toISOString();
    const factor = await this.factors.find(user.id);
    if (factor?.status === 'active') {
      await this.codes.markSignedIn(requestId, user.id, authTime);
      return { kind: 'second-factor', requestId, clientId: request.clientId, status: 200 };
    }
    if (mfaRequired(user.roles, this.settings.mfaRequiredRoles ?? [])) {
      const enrolment = await beginEnrolment({ factors: this.factors, totp: this.totp }, user.id, user.email, now);
      if (enrolment) {
        await this.codes.markSignedIn(requestId, user.id, authTime);
        return { kind: 'enrol', requestId, clientId: request.clientId, enrolment, status: 200 };
      }
    }
    return this.issue(requestId, request, user.id, authTime, ['pwd'], now);
  }

  /** The code step (or the continue after the recovery codes) of a request whose password was right. */
  private async afterPassword(
    { requestId, otp, sendEmailCode }: CompleteAuthorizationCommand,
    request: StoredAuthorizationRequest,
    { subject, authTime }: { subject: string; authTime: string },
    now: Date,
  ): Promise<AuthorizationCompletion> {
    if (request.amr) return this.issue(requestId, request, subject, authTime, request.amr, now);
    const { state: user } = await this.users.load(subject);
    const factor = await this.factors.find(subject);
    if (user.status !== 'active' || !factor) return EXPIRED;
    const deps = { factors: this.factors, totp: this.totp, attempts: this.attempts, settings: this.settings };
    const clientId = request.clientId;
    if (factor.status === 'active' && sendEmailCode) {
      // The fallback factor: a code by e-mail, a few per user and then progressive delays (no mail bombing).
      const admission = await this.attempts.begin(
        [{ key: `email-otp:${subject}`, policy: this.settings.emailRequestThrottle }],
        now,
        this.settings.loginWindowSeconds,
      );
      if (!admission.admitted)
        return {
          kind: 'second-factor',
          requestId,
          clientId,
          status: 429,
          message: `A code was sent a moment ago. You can ask for another in ${admission.retryAfterSeconds} seconds.`,
        };
      await this.emailOtps.issue({ userId: subject, email: user.email }, now, EMAIL_OTP_TTL_SECONDS);
      return {
        kind: 'second-factor',
        requestId,
        clientId,
        status: 200,
        notice: `We sent an 8-digit code to ${maskEmail(user.email)}. It works once, for ${EMAIL_OTP_TTL_SECONDS / 60} minutes.`,
      };
    }
    if (factor.status === 'active') {
      const check = await checkSecondFactor({ ...deps, emailOtps: this.emailOtps }, factor, otp ?? '', now);
      if (check.ok) return this.issue(requestId, request, subject, authTime, ['pwd', 'otp'], now);
      return check.retryAfterSeconds === undefined
        ? { kind: 'second-factor', requestId, clientId, status: 400, message: WRONG_CODE }
        : { kind: 'second-factor', requestId, clientId, status: 429, message: tooMany(check.retryAfterSeconds) };
    }
    const again = async (status: number, message: string): Promise<AuthorizationCompletion> => ({
      kind: 'enrol',
      requestId,
      clientId,
      enrolment: await enrolmentFor(this.totp, factor.secret, user.email),
      status,
      message,
    });
    try {
      const confirmed = await confirmEnrolment(
        { ...deps, users: this.users, readModel: this.readModel },
        subject,
        otp ?? '',
        now,
        { actor: subject },
      );
      if ('retryAfterSeconds' in confirmed) return again(429, tooMany(confirmed.retryAfterSeconds));
      await this.codes.markAuthenticated(requestId, ['pwd', 'otp']);
      return { kind: 'recovery-codes', requestId, clientId, recoveryCodes: confirmed.recoveryCodes };
    } catch (error) {
      if (error instanceof InvalidOneTimeCodeError) return again(400, WRONG_CODE);
      throw error;
    }
  }

  /** Issues the single-use code for the signed-in user and redirects to the client. */
  private async issue(
    requestId: string,
    request: StoredAuthorizationRequest,
    subject: string,
    authTime: string,
    amr: readonly string[],
    now: Date,
  ): Promise<AuthorizationCompletion> {
    const code = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    const { signedIn: _signedIn, amr: _amr, ...grant } = request;
    await this.codes.issueCode(code, { ...grant, subject, authTime, amr }, now, CODE_TTL_SECONDS);
    await this.codes.deleteRequest(requestId);
    return {
      kind: 'redirect',
      url: withParams(request.redirectUri, { code, state: request.state, iss: this.settings.issuer }),
    };
  }
}

const EXPIRED: AuthorizationCompletion = {
  kind: 'error',
  error: 'invalid_request',
  description: 'The sign-in page expired. Start again from the application.',
};
const WRONG_CODE = 'The code is incorrect or was already used.';
/** `ann@example.com` → `a••@example.com`: enough for the owner to recognise, little for an onlooker. */
const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}${'•'.repeat(Math.max(2, Math.min(at - 1, 6)))}${email.slice(at)}`;
};
const tooMany = (seconds: number): string => `Too many failed attempts. Try again in ${seconds} seconds.`;

/**
 * Exchanges a code (RFC 6749 §4.1.3) for an access token, a refresh token (a new session of the
 * client) and an ID token (OpenID Connect Core §3.1.3.3: `nonce`, `auth_time`, `amr`, `sid`). The
 * code works once, for 60 s, for its client and redirect URI, with the PKCE verifier of its
 * challenge; a second use is refused and ends the session the first one started (RFC 6749 §4.1.2).
 * @throws InvalidClientError, InvalidGrantError, InvalidTokenRequestError
 */
@CommandHandler(AuthorizationCodeGrantCommand)
export class AuthorizationCodeGrantUseCase implements ICommandHandler<AuthorizationCodeGrantCommand, TokenResponse> {
  constructor(
    @Inject(OIDC_CLIENTS) private readonly clients: OidcClientsPort,
    @Inject(AUTHORIZATION_CODES) private readonly codes: AuthorizationCodesPort,
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(command: AuthorizationCodeGrantCommand): Promise<TokenResponse> {
    const client = await this.authenticateClient(command.clientId, command.clientSecret);
    if (!PKCE_VALUE.test(command.codeVerifier))
      throw new InvalidTokenRequestError('code_verifier must be 43-128 unreserved characters (RFC 7636)');
    const now = this.clock.now();
    const found = await this.codes.consume(command.code, now);
    const refused = new InvalidGrantError('The authorization code is invalid, expired or already used');
    if (!found) throw refused;
    if (found.status === 'reused') {
      if (found.sessionId) await this.refreshTokens.revokeFamily(found.sessionId, now);
      throw refused;
    }
    if (Date.parse(found.expiresAt) <= now.getTime() || found.clientId !== client.id) throw refused;
    if (found.redirectUri !== command.redirectUri) throw refused;
    if (!(await pkceS256Matches(command.codeVerifier, found.codeChallenge))) throw refused;
    const { state: user } = await this.users.load(found.subject);
    if (user.status !== 'active') throw refused;

    const issued = await issueUserTokens(
      { tokens: this.tokens, refreshTokens: this.refreshTokens, settings: this.settings },
      user,
      found.scope,
      {
        login: {
          clientId: client.id,
          ...(command.clientIp && { ip: command.clientIp }),
          ...(command.userAgent && { userAgent: command.userAgent }),
          authTime: found.authTime,
          amr: found.amr ?? ['pwd'],
        },
      },
      now,
    );
    await this.codes.attachSession(command.code, issued.sessionId);
    const scopes = found.scope.split(' ');
    const idToken = await this.tokens.issueIdToken({
      subject: user.id,
      clientId: client.id,
      authTime: found.authTime,
      amr: found.amr ?? ['pwd'],
      sessionId: issued.sessionId,
      ...(found.nonce !== undefined && { nonce: found.nonce }),
      ...(scopes.includes('email') && { email: user.email, emailVerified: user.emailVerified }),
      ...(scopes.includes('profile') && { name: user.displayName }),
    });
    const { sessionId: _sid, ...response } = issued;
    return { ...response, idToken };
  }

  private async authenticateClient(clientId: string, secret: string | undefined): Promise<OidcClient> {
    const client = this.clients.find(clientId);
    if (!client) throw new InvalidClientError('Client authentication failed');
    if (client.public) {
      if (secret !== undefined) throw new InvalidClientError('A public client has no secret');
      return client;
    }
    if (!(await this.hasher.verify(secret ?? '', client.secretHash)))
      throw new InvalidClientError('Client authentication failed');
    return client;
  }
}

/**
 * RP-initiated logout: an `id_token_hint` signed by identity ends its session (refresh-token
 * family). The browser goes back to `post_logout_redirect_uri` (with `state`) only when it is
 * registered for the hint's client; otherwise identity shows its own signed-out page.
 */
@CommandHandler(EndSessionByHintCommand)
export class EndSessionByHintUseCase implements ICommandHandler<EndSessionByHintCommand, { redirect?: string }> {
  constructor(
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort,
    @Inject(OIDC_CLIENTS) private readonly clients: OidcClientsPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(command: EndSessionByHintCommand): Promise<{ redirect?: string }> {
    const hint = command.idTokenHint ? await this.tokens.readIdTokenHint(command.idTokenHint) : undefined;
    if (hint?.sessionId) await this.refreshTokens.revokeSession(hint.subject, hint.sessionId, this.clock.now());
    const clientId = hint?.clientId ?? command.clientId;
    const client = clientId ? this.clients.find(clientId) : undefined;
    const target = command.postLogoutRedirectUri;
    if (!hint || !client || !target || !client.postLogoutRedirectUris.includes(target)) return {};
    return { redirect: withParams(target, { state: command.state }) };
  }
}
