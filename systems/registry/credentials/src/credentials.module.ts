import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { HtmlCertificateRenderer } from './gateway/html.certificate-renderer.js';
import { encodeStatusList } from './gateway/bitstring.status-list.js';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { CredentialsHttpHandler } from './handler/http/credentials.http-handler.js';
import { DidHttpHandler } from './handler/http/did.http-handler.js';
import { VcJwtBodyParser } from './handler/http/vc-jwt.body-parser.js';
import { ENTITY_SNAPSHOTS, RegistryEventsMessageHandler } from './handler/messaging/registry-events.message-handler.js';
import { CredentialsInfrastructure } from './repository/credentials.infrastructure.js';
import { IssueCredentialUseCase } from './use-case/issue-credential/issue-credential.use-case.js';
import { CERTIFICATE_RENDERER } from './use-case/port/certificate-renderer.port.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { CREDENTIAL_STORE, ENTITY_ACTIVATIONS } from './use-case/port/credential-store.port.js';
import { EntityActivationUseCase } from './use-case/entity-activation/entity-activation.use-case.js';
import { ISSUER, type IssuerPort } from './use-case/port/issuer.port.js';
import { ReadCredentialsUseCase } from './use-case/read-credentials/read-credentials.use-case.js';
import { RegistryEventsUseCase } from './use-case/registry-events/registry-events.use-case.js';
import { RevokeCredentialUseCase } from './use-case/revoke-credential/revoke-credential.use-case.js';
import { STATUS_LIST_ENCODER, StatusListUseCase } from './use-case/status-list/status-list.use-case.js';
import { VerifyCredentialUseCase } from './use-case/verify-credential/verify-credential.use-case.js';

/** Domain error code → HTTP status of the credentials public API. */
export const CREDENTIALS_DOMAIN_ERRORS = {
  'CREDENTIAL.NOT_FOUND': 404,
  'CREDENTIAL.ENTITY_UNKNOWN': 404,
  'CREDENTIAL.INVALID': 400,
  'CREDENTIAL.NOT_A_CREDENTIAL': 400,
  'CREDENTIAL.STATUS_LIST_FULL': 503,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/**
 * Wiring of the credentials service: ports bound to adapters (the Postgres store, the jose issuer),
 * handlers to use cases, and access-token validation (`auth`: every route needs a token unless
 * `@Public()`; issuing and revoking need `admin`).
 */
@Module({})
export class CredentialsModule {
  static forRoot(infrastructure: CredentialsInfrastructure, auth: AuthOptions, issuer: IssuerPort): DynamicModule {
    return {
      module: CredentialsModule,
      imports: [AuthModule.forRoot(auth)],
      controllers: [CredentialsHttpHandler, DidHttpHandler],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: CredentialsInfrastructure, useValue: infrastructure },
        { provide: CREDENTIAL_STORE, useValue: infrastructure.credentials },
        { provide: ENTITY_SNAPSHOTS, useValue: infrastructure.credentials },
        { provide: ENTITY_ACTIVATIONS, useValue: infrastructure.credentials },
        { provide: ISSUER, useValue: issuer },
        { provide: CLOCK, useClass: SystemClockGateway },
        { provide: CERTIFICATE_RENDERER, useClass: HtmlCertificateRenderer },
        { provide: STATUS_LIST_ENCODER, useValue: encodeStatusList },
        VcJwtBodyParser,
        IssueCredentialUseCase,
        ReadCredentialsUseCase,
        RevokeCredentialUseCase,
        VerifyCredentialUseCase,
        StatusListUseCase,
        RegistryEventsUseCase,
        EntityActivationUseCase,
        RegistryEventsMessageHandler,
      ],
    };
  }
}
