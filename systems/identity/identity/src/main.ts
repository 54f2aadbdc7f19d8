import 'reflect-metadata';
import { identityProtoRoot, USERS_PROTO_FILE, USERS_PROTO_PACKAGE } from '@archipelago/identity-contracts';
import { ConfigError } from '@archipelago/platform-config';
import { grpcAudienceOf, logLine, runServiceMain } from '@archipelago/platform-service-kit';
import { CommandBus } from '@nestjs/cqrs';
import { Logger } from 'nestjs-pino';
import { rotateSigningKeys } from './gateway/signing-keys.js';
import { describeOAuth2 } from './handler/http/token.openapi.js';
import {
  adminAccount,
  createIdentityAdapters,
  identityGrpcVerifier,
  identitySettings,
  keysDirOf,
} from './identity.bootstrap.js';
import { identityConfigSchema } from './identity.config.js';
import { IDENTITY_DOMAIN_ERRORS, IdentityModule } from './identity.module.js';
import { IdentityInfrastructure } from './repository/identity.infrastructure.js';
import { TotpFactorsPostgresStore } from './repository/totp-factors.postgres-store.js';
import { EnsureAdminCommand } from './use-case/ensure-admin/ensure-admin.command.js';
import type { EnsureAdminResult } from './use-case/ensure-admin/ensure-admin.use-case.js';

/**
 * identity/identity entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rotate-keys`: new signing key in IDENTITY_KEYS_DIR, the old one kept as previous; exit 0.
 * - `main.js rebuild-projections`: empty and replay the user list read model, exit 0.
 * - `main.js`: ensure the admin account, serve HTTP (HTTP_PORT) and gRPC (GRPC_PORT).
 */
await runServiceMain({
  configSchema: identityConfigSchema,
  infrastructure: IdentityInfrastructure,
  commands: {
    'rotate-keys': async (config) => {
      const dir = keysDirOf(config);
      if (!dir) throw new ConfigError(['IDENTITY_KEYS_DIR is required to rotate keys']);
      logLine(30, 'signing key rotated; restart the service to use it', await rotateSigningKeys(dir));
    },
  },
  prepare: (config) => createIdentityAdapters(config),
  module: (infrastructure, config, built) =>
    IdentityModule.forRoot(infrastructure, built.adapters, identitySettings(config)),
  domainErrors: IDENTITY_DOMAIN_ERRORS,
  openapi: {
    refine: describeOAuth2,
    title: 'Archipelago identity',
    version: '1.0.0',
    description:
      'Users, roles, OAuth 2.0 tokens (RFC 6749), JWKS (RFC 7517), discovery. Integration events UserRegisteredV1 and UserRolesChangedV1.',
  },
  grpc: {
    packages: [USERS_PROTO_PACKAGE],
    protoFiles: [USERS_PROTO_FILE],
    protoRoot: identityProtoRoot,
    verifier: (config, built) => identityGrpcVerifier(built.adapters.accessTokens, grpcAudienceOf(config)),
  },
  onStarted: async (app, infrastructure, config, built) => {
    await app.init();
    // TOTP secrets stored in clear (before encryption at rest) or under a rotated-out key: sealed
    // with the current key now (reads seal them too).
    const sealed = await new TotpFactorsPostgresStore(
      infrastructure.pool,
      infrastructure.config.schema,
      built.adapters.totpSecretBox,
    ).resealStaleSecrets();
    const admin = adminAccount(config);
    const ensured: EnsureAdminResult = await app
      .get(CommandBus)
      .execute(new EnsureAdminCommand(admin.email, admin.password));
    const logger = app.get(Logger);
    if (sealed > 0) logger.log({ msg: 'TOTP secrets sealed with the current key', count: sealed }, 'Bootstrap');
    if (ensured.outcome === 'refused') {
      logger.error(
        {
          msg: 'ADMIN_EMAIL belongs to an account the bootstrap did not create: it was NOT made admin; choose another ADMIN_EMAIL',
          userId: ensured.userId,
        },
        'Bootstrap',
      );
    } else {
      logger.log(
        { msg: 'admin account ready', email: admin.email, userId: ensured.userId, outcome: ensured.outcome },
        'Bootstrap',
      );
    }
    logger.log(
      {
        msg: 'signing key',
        kid: built.signingKid,
        ...(built.localClientsFile && { localClientsFile: built.localClientsFile }),
      },
      'Bootstrap',
    );
  },
});
