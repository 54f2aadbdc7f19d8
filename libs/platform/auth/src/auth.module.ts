import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_OPTIONS, type AuthOptions } from './auth-options.js';
import { AuthGuard } from './auth.guard.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Authentication and role checks for a service (ARCHITECTURE §8): installs {@link AuthGuard} as a
 * global guard, so every HTTP route needs a valid access token unless marked `@Public()`, and
 * `@Roles(…)` adds role checks. Global: {@link TokenVerifier} and `AUTH_OPTIONS` can be injected
 * anywhere (e.g. by gRPC handlers calling `authenticateGrpcCall`).
 *
 * @example
 * ```ts
 * // in the service module (config validated with authConfigShape from @archipelago/platform-config)
 * imports: [CqrsModule.forRoot(), AuthModule.forRoot(authOptionsFromConfig(config))]
 * ```
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(options) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AUTH_OPTIONS, TokenVerifier],
    };
  }
}
