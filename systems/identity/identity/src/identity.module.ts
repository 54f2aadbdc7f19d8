import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { UsersGrpcHandler } from './handler/grpc/users.grpc-handler.js';
import { BearerAuthGuard } from './handler/http/bearer-auth.guard.js';
import { AccountEmailHttpHandler } from './handler/http/account-email.http-handler.js';
import {
  ConfirmPasswordResetUseCase,
  RequestEmailVerificationUseCase,
  RequestPasswordResetUseCase,
  VerifyEmailUseCase,
} from './use-case/account-email/account-email.use-cases.js';
import { EMAIL_TOKENS } from './use-case/port/email-tokens.port.js';
import { EMAIL_OTPS } from './use-case/port/email-otps.port.js';
import { TokenHttpHandler } from './handler/http/token.http-handler.js';
import { UsersHttpHandler } from './handler/http/users.http-handler.js';
import { WellKnownHttpHandler } from './handler/http/well-known.http-handler.js';
import type { IdentityAdapters } from './identity.bootstrap.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';
import { TotpFactorsPostgresStore } from './repository/totp-factors.postgres-store.js';
import { AuthenticateUseCase } from './use-case/authenticate/authenticate.use-case.js';
import { OidcHttpHandler } from './handler/http/oidc.http-handler.js';
import {
  AuthorizationCodeGrantUseCase,
  CompleteAuthorizationUseCase,
  EndSessionByHintUseCase,
  StartAuthorizationUseCase,
} from './use-case/authorize/authorize.use-cases.js';
import { AUTHORIZATION_CODES } from './use-case/port/authorization-codes.port.js';
import { OIDC_CLIENTS } from './use-case/port/oidc-clients.port.js';
import { ChangePasswordUseCase } from './use-case/change-password/change-password.use-case.js';
import { EndSessionUseCase, ListSessionsUseCase, RevokeTokenUseCase } from './use-case/sessions/sessions.use-cases.js';
import { IntrospectTokenUseCase } from './use-case/sessions/introspect.use-case.js';
import { SetUserEnabledUseCase } from './use-case/set-user-enabled/set-user-enabled.use-case.js';
import { ChangeDisplayNameUseCase } from './use-case/change-display-name/change-display-name.use-case.js';
import { ChangeRolesUseCase } from './use-case/change-roles/change-roles.use-case.js';
import { ClientCredentialsGrantUseCase } from './use-case/client-credentials-grant/client-credentials-grant.use-case.js';
import { EnsureAdminUseCase } from './use-case/ensure-admin/ensure-admin.use-case.js';
import { GetJwksUseCase } from './use-case/get-jwks/get-jwks.use-case.js';
import { GetUserUseCase } from './use-case/get-user/get-user.use-case.js';
import { ListUsersUseCase } from './use-case/list-users/list-users.use-case.js';
import { PasswordGrantUseCase } from './use-case/password-grant/password-grant.use-case.js';
import { ACCESS_TOKENS } from './use-case/port/access-tokens.port.js';
import { CLOCK, IDENTITY_SETTINGS, type IdentitySettings } from './use-case/port/identity-settings.port.js';
import { LOGIN_ATTEMPTS } from './use-case/port/login-attempts.port.js';
import { PASSWORD_HASHER } from './use-case/port/password-hasher.port.js';
import { REFRESH_TOKEN_STORE } from './use-case/port/refresh-token.store.port.js';
import { SERVICE_CLIENTS } from './use-case/port/service-clients.port.js';
import { USER_READ_MODEL } from './use-case/port/user.read-model.port.js';
import { USER_REPOSITORY } from './use-case/port/user.repository.port.js';
import { RefreshTokenGrantUseCase } from './use-case/refresh-token-grant/refresh-token-grant.use-case.js';
import { RegisterUserUseCase } from './use-case/register-user/register-user.use-case.js';
import { OtpauthTotp } from './gateway/otpauth.totp.js';
import { TotpAdminHttpHandler, TotpHttpHandler } from './handler/http/totp.http-handler.js';
import { TOTP, TOTP_FACTORS } from './use-case/port/totp.port.js';
import {
  BeginTotpEnrolmentUseCase,
  ConfirmTotpEnrolmentUseCase,
  DisableTotpUseCase,
  GetTotpStatusUseCase,
  ResetTotpUseCase,
} from './use-case/totp/totp.use-cases.js';

/** Domain error code → HTTP status of identity's public API (token errors have their own filter). */
export const IDENTITY_DOMAIN_ERRORS = {
  'USER.NOT_FOUND': 404,
  'USER.ALREADY_EXISTS': 409,
  'USER.EMAIL_TAKEN': 409,
  'USER.CONCURRENCY_CONFLICT': 409,
  'USER.INVALID': 400,
  'USER.SELF_LOCKOUT': 400,
  'USER.WRONG_PASSWORD': 400,
  'USER.EMAIL_TOKEN_INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
  'TOTP.ALREADY_ENABLED': 409,
  'TOTP.NOT_ENROLLED': 404,
  'TOTP.INVALID_CODE': 400,
} as const;

/** Wiring of the identity service: ports bound to adapters, handlers to use cases. */
@Module({})
export class IdentityModule {
  static forRoot(
    infrastructure: IdentityInfrastructure,
    adapters: IdentityAdapters,
    settings: IdentitySettings,
  ): DynamicModule {
    return {
      module: IdentityModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        TotpHttpHandler,
        TotpAdminHttpHandler,
        UsersHttpHandler,
        TokenHttpHandler,
        OidcHttpHandler,
        WellKnownHttpHandler,
        UsersGrpcHandler,
        AccountEmailHttpHandler,
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: IdentityInfrastructure, useValue: infrastructure },
        { provide: USER_REPOSITORY, useValue: infrastructure.repository },
        { provide: USER_READ_MODEL, useValue: infrastructure.readModel },
        { provide: REFRESH_TOKEN_STORE, useValue: infrastructure.refreshTokens },
        { provide: LOGIN_ATTEMPTS, useValue: infrastructure.loginAttempts },
        { provide: ACCESS_TOKENS, useValue: adapters.accessTokens },
        { provide: PASSWORD_HASHER, useValue: adapters.passwordHasher },
        { provide: SERVICE_CLIENTS, useValue: adapters.serviceClients },
        { provide: OIDC_CLIENTS, useValue: adapters.oidcClients },
        { provide: AUTHORIZATION_CODES, useValue: infrastructure.authorizationCodes },
        { provide: IDENTITY_SETTINGS, useValue: settings },
        { provide: EMAIL_TOKENS, useValue: infrastructure.emailTokens },
        { provide: EMAIL_OTPS, useValue: infrastructure.emailOtps },
        {
          provide: TOTP_FACTORS,
          useValue: new TotpFactorsPostgresStore(
            infrastructure.pool,
            infrastructure.config.schema,
            adapters.totpSecretBox,
          ),
        },
        { provide: TOTP, useValue: new OtpauthTotp() },
        BeginTotpEnrolmentUseCase,
        ConfirmTotpEnrolmentUseCase,
        DisableTotpUseCase,
        GetTotpStatusUseCase,
        ResetTotpUseCase,
        { provide: CLOCK, useValue: { now: () => new Date() } },
        BearerAuthGuard,
        AuthenticateUseCase,
        ChangePasswordUseCase,
        ListSessionsUseCase,
        EndSessionUseCase,
        RevokeTokenUseCase,
        SetUserEnabledUseCase,
        StartAuthorizationUseCase,
        CompleteAuthorizationUseCase,
        AuthorizationCodeGrantUseCase,
        EndSessionByHintUseCase,
        IntrospectTokenUseCase,
        RegisterUserUseCase,
        ChangeDisplayNameUseCase,
        ChangeRolesUseCase,
        GetUserUseCase,
        ListUsersUseCase,
        EnsureAdminUseCase,
        GetJwksUseCase,
        PasswordGrantUseCase,
        RefreshTokenGrantUseCase,
        ClientCredentialsGrantUseCase,
        VerifyEmailUseCase,
        RequestEmailVerificationUseCase,
        RequestPasswordResetUseCase,
        ConfirmPasswordResetUseCase,
      ],
    };
  }
}
