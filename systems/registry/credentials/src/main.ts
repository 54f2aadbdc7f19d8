import 'reflect-metadata';
import { authOptionsFromConfig } from '@archipelago/platform-auth';
import { ConfigError } from '@archipelago/platform-config';
import { runServiceMain } from '@archipelago/platform-service-kit';
import { CREDENTIALS_EVENTS } from '@archipelago/registry-contracts';
import { credentialsConfigSchema, type CredentialsConfig } from './credentials.config.js';
import { CREDENTIALS_DOMAIN_ERRORS, CredentialsModule } from './credentials.module.js';
import { defaultIssuerKeysDir, loadIssuerKeys, rotateIssuerKeys } from './gateway/issuer-keys.js';
import { JoseIssuer } from './gateway/jose.issuer.js';
import { refineCredentialsOpenApi } from './handler/http/credentials.openapi.js';
import { RegistryEventsMessageHandler } from './handler/messaging/registry-events.message-handler.js';
import { CredentialsInfrastructure } from './repository/credentials.infrastructure.js';

const production = (config: CredentialsConfig): boolean => config.NODE_ENV === 'production';
const keysDirOf = (config: CredentialsConfig): string | undefined =>
  config.CREDENTIALS_KEYS_DIR ?? (production(config) ? undefined : defaultIssuerKeysDir());

/**
 * registry/credentials entry point (commands: see `runServiceMain`).
 * - `main.js migrate`: run migrations, exit 0 (Kubernetes runs this as a pre-upgrade Job).
 * - `main.js rotate-keys`: a new issuer key in CREDENTIALS_KEYS_DIR (earlier keys kept, still in the
 *   DID document); restart the service to sign with it; exit 0.
 * - `main.js`: serve HTTP (HTTP_PORT): credentials, the did:web document at `/.well-known/did.json`,
 *   the status lists (1 revocation, 2 suspension) and verification (public). Consumes the registry's
 *   entity events (group `registry.credentials`; deactivation suspends the entity's credentials); publishes CredentialIssuedV1 and CredentialRevokedV1 through the outbox.
 */
await runServiceMain({
  configSchema: credentialsConfigSchema,
  infrastructure: CredentialsInfrastructure,
  commands: {
    'rotate-keys': async (config) => {
      const dir = keysDirOf(config);
      if (!dir) throw new ConfigError(['CREDENTIALS_KEYS_DIR is required to rotate keys']);
      const rotated = await rotateIssuerKeys(dir);
      process.stdout.write(
        `${JSON.stringify({ msg: 'issuer key rotated; restart the service to sign with it', ...rotated })}\n`,
      );
    },
  },
  prepare: async (config) =>
    new JoseIssuer(
      config.CREDENTIALS_ISSUER_DID,
      config.CREDENTIALS_PUBLIC_URL,
      await loadIssuerKeys({
        production: production(config),
        ...(config.CREDENTIALS_ISSUER_KEYS && { keysJson: config.CREDENTIALS_ISSUER_KEYS }),
        ...(keysDirOf(config) && { keysDir: keysDirOf(config) }),
      }),
    ),
  module: (infrastructure, config, issuer) =>
    CredentialsModule.forRoot(infrastructure, authOptionsFromConfig(config), issuer),
  domainErrors: CREDENTIALS_DOMAIN_ERRORS,
  openapi: {
    title: 'Archipelago registry/credentials',
    version: '1.0.0',
    description:
      'W3C Verifiable Credentials (Data Model 2.0, secured as VC-JOSE) of registry entities, revocation and suspension (while the entity is deactivated) through Bitstring Status List v1.0, public verification and the issuer did:web document. Integration events CredentialIssuedV1, CredentialRevokedV1.',
    refine: refineCredentialsOpenApi,
  },
  topics: Object.values(CREDENTIALS_EVENTS).map((e) => e.topic),
  onStarted: async (app, infrastructure) => {
    const handler = app.get(RegistryEventsMessageHandler);
    await infrastructure.subscribeRegistryEvents((message) => handler.handle(message));
  },
});
