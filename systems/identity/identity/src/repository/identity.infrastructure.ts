import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { IDENTITY_DATABASE } from './identity.data-source.js';
import { AuthorizationCodesPostgresStore } from './authorization-codes.postgres-store.js';
import { EmailOtpsPostgresStore } from './email-otps.postgres-store.js';
import { EmailTokensPostgresStore } from './email-tokens.postgres-store.js';
import { LoginAttemptsPostgresStore } from './login-attempts.postgres-store.js';
import { RefreshTokenPostgresStore } from './refresh-token.postgres-store.js';
import { UserEventStoreRepository } from './user.event-store.repository.js';
import { UserListProjection, UserListReadModel } from './user-list.projection.js';

/**
 * Everything the identity service's Postgres adapters stand on (see {@link ServiceInfrastructure}):
 * the user list projection, the user repository, the refresh token and login-attempt stores
 * (the TOTP store needs the secret box, an adapter: the module builds it).
 * `start()` starts the relay and the projection; `close()` stops them.
 */
export class IdentityInfrastructure extends ServiceInfrastructure {
  static override readonly database = IDENTITY_DATABASE;

  readonly projectionRunner = this.addProjection(new UserListProjection(this.config.schema));
  readonly repository = new UserEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new UserListReadModel(this.dataSource, this.projectionRunner);
  readonly refreshTokens = new RefreshTokenPostgresStore(this.pool, this.config.schema, this.messaging);
  readonly loginAttempts = new LoginAttemptsPostgresStore(this.pool, this.config.schema);
  readonly authorizationCodes = new AuthorizationCodesPostgresStore(this.pool, this.config.schema);
  readonly emailTokens = new EmailTokensPostgresStore(this.pool, this.config.schema, this.messaging);
  readonly emailOtps = new EmailOtpsPostgresStore(this.pool, this.config.schema, this.messaging);
}
