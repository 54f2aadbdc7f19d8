import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SystemClockGateway } from './gateway/system-clock.gateway.js';
import { RegistryGrpcHandler } from './handler/grpc/registry.grpc-handler.js';
import { RegistryCommandHttpHandler } from './handler/http/registry.command.http-handler.js';
import { RegistryQueryHttpHandler } from './handler/http/registry.query.http-handler.js';
import { DefinitionCommandHttpHandler } from './handler/http/definition.command.http-handler.js';
import { DefinitionQueryHttpHandler } from './handler/http/definition.query.http-handler.js';
import { EntityHttpHandler } from './handler/http/entity.http-handler.js';
import { EntityImportHttpHandler } from './handler/http/entity-import.http-handler.js';
import { ClaimHttpHandler } from './handler/http/claim.http-handler.js';
import { RaiseClaimUseCase } from './use-case/raise-claim/raise-claim.use-case.js';
import { DecideClaimUseCase } from './use-case/decide-claim/decide-claim.use-case.js';
import { GetClaimUseCase } from './use-case/get-claim/get-claim.use-case.js';
import { ListClaimsUseCase } from './use-case/list-claims/list-claims.use-case.js';
import { AttestorEntities } from './use-case/attestor-entities/attestor-entities.js';
import { CLAIM_REPOSITORY } from './use-case/port/claim.repository.port.js';
import { CLAIM_READ_MODEL } from './use-case/port/claim.read-model.port.js';
import { UuidV7EntityIdGateway } from './gateway/uuid-v7-entity-id.gateway.js';
import { RegistryInfrastructure } from './repository/registry.infrastructure.js';
import { CreateEntityUseCase } from './use-case/create-entity/create-entity.use-case.js';
import { ImportEntitiesUseCase } from './use-case/import-entities/import-entities.use-case.js';
import { DeleteEntityUseCase } from './use-case/delete-entity/delete-entity.use-case.js';
import { EntityActivationUseCase } from './use-case/entity-activation/entity-activation.use-case.js';
import { GetEntityUseCase } from './use-case/get-entity/get-entity.use-case.js';
import { ListEntitiesUseCase } from './use-case/list-entities/list-entities.use-case.js';
import { InviteEntityUseCase } from './use-case/invite-entity/invite-entity.use-case.js';
import { AcceptInvitationUseCase } from './use-case/accept-invitation/accept-invitation.use-case.js';
import { DescribeEntityTypeUseCase } from './use-case/describe-entity-type/describe-entity-type.use-case.js';
import { GetEntityHistoryUseCase } from './use-case/get-entity-history/get-entity-history.use-case.js';
import { ENTITY_ID } from './use-case/port/entity-id.port.js';
import { REGISTRY_ENTITY_REPOSITORY } from './use-case/port/registry-entity.repository.port.js';
import { ENTITY_SEARCH } from './use-case/port/entity-search.port.js';
import { SearchEntitiesUseCase } from './use-case/search-entities/search-entities.use-case.js';
import { UpdateEntityUseCase } from './use-case/update-entity/update-entity.use-case.js';
import { ActivateDefinitionUseCase } from './use-case/activate-definition/activate-definition.use-case.js';
import { CreateDefinitionUseCase } from './use-case/create-definition/create-definition.use-case.js';
import { DeactivateDefinitionUseCase } from './use-case/deactivate-definition/deactivate-definition.use-case.js';
import { DeleteDefinitionUseCase } from './use-case/delete-definition/delete-definition.use-case.js';
import { GetDefinitionUseCase } from './use-case/get-definition/get-definition.use-case.js';
import { ListDefinitionVersionsUseCase } from './use-case/list-definition-versions/list-definition-versions.use-case.js';
import { ListDefinitionsUseCase } from './use-case/list-definitions/list-definitions.use-case.js';
import { ModifyDefinitionUseCase } from './use-case/modify-definition/modify-definition.use-case.js';
import { DEFINITION_READ_MODEL, DEFINITION_VERSIONS } from './use-case/port/definition.read-model.port.js';
import { DEFINITION_REPOSITORY } from './use-case/port/definition.repository.port.js';
import { ValidateDefinitionUseCase } from './use-case/validate-definition/validate-definition.use-case.js';
import { CreateRegistryItemUseCase } from './use-case/create-registry-item/create-registry-item.use-case.js';
import { GetRegistryItemUseCase } from './use-case/get-registry-item/get-registry-item.use-case.js';
import { ListRegistryItemsUseCase } from './use-case/list-registry-items/list-registry-items.use-case.js';
import { CLOCK } from './use-case/port/clock.port.js';
import { REGISTRY_ITEM_READ_MODEL } from './use-case/port/registry-item.read-model.port.js';
import { REGISTRY_ITEM_REPOSITORY } from './use-case/port/registry-item.repository.port.js';

/** Domain error code → HTTP status of the registry public API. */
export const REGISTRY_DOMAIN_ERRORS = {
  'REGISTRY_ITEM.NOT_FOUND': 404,
  'REGISTRY_ITEM.ALREADY_EXISTS': 409,
  'REGISTRY_ITEM.CONCURRENCY_CONFLICT': 409,
  'REGISTRY_ITEM.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
  'DEFINITION.INVALID_DOCUMENT': 400,
  'DEFINITION.ALREADY_EXISTS': 409,
  'DEFINITION.NOT_FOUND': 404,
  'DEFINITION.ID_MISMATCH': 400,
  'DEFINITION.TITLE_IMMUTABLE': 409,
  'DEFINITION.TRANSITION_NOT_ALLOWED': 409,
  'DEFINITION.NOT_VALID': 409,
  'DEFINITION.CONCURRENCY_CONFLICT': 409,
  'ENTITY.NOT_FOUND': 404,
  'ENTITY.ALREADY_EXISTS': 409,
  'ENTITY.INVALID': 400,
  'ENTITY.VERSION_CONFLICT': 412,
  'ENTITY.TRANSITION_NOT_ALLOWED': 409,
  'ENTITY.TYPE_NOT_FOUND': 404,
  'ENTITY.TYPE_NOT_ACTIVE': 409,
  'ENTITY.CONCURRENCY_CONFLICT': 409,
  'ENTITY.UNIQUE_FIELD_TAKEN': 409,
  'ENTITY.INVITE_UNAUTHENTICATED': 401,
  'ENTITY.INVITE_FORBIDDEN': 403,
  'ENTITY.INVITEE_EMAIL_REQUIRED': 400,
  'ENTITY.WRITE_UNAUTHENTICATED': 401,
  'ENTITY.READ_UNAUTHENTICATED': 401,
  'ENTITY.CREATE_FORBIDDEN': 403,
  'ENTITY.FIELD_WRITE_FORBIDDEN': 403,
  'ENTITY.OWNERSHIP_CHANGE_FORBIDDEN': 403,
  'ENTITY.IMPORT_EMPTY': 400,
  'ENTITY.IMPORT_UNREADABLE': 400,
  'ENTITY.IMPORT_TOO_LARGE': 413,
  'SEARCH.INVALID_QUERY': 400,
  'SEARCH.FORBIDDEN': 403,
  'CLAIM.NOT_FOUND': 404,
  'CLAIM.ALREADY_DECIDED': 409,
  'CLAIM.CONCURRENCY_CONFLICT': 409,
  'CLAIM.UNKNOWN_POLICY': 400,
  'CLAIM.NOTE_REQUIRED': 400,
  'CLAIM.NO_ATTESTOR': 400,
  'REGISTRY.KEY_UNAVAILABLE': { status: 503, title: 'Key unavailable' },
} as const;

/** Which HTTP routes a process serves: `command` the writes, `query` the reads, `all` both. */
export type RegistryRole = 'command' | 'query' | 'all';

/**
 * Wiring of the registry service: ports bound to adapters, handlers to use cases, and
 * access-token validation (`auth`: every route needs a token unless `@Public()`; writes need `admin`).
 * `role` picks the HTTP controllers (one image, deployed as a command and a query role when the
 * service is split; `all` locally).
 */
@Module({})
export class RegistryModule {
  static forRoot(infrastructure: RegistryInfrastructure, auth: AuthOptions, role: RegistryRole = 'all'): DynamicModule {
    return {
      module: RegistryModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [
        ...(role === 'query' ? [] : [RegistryCommandHttpHandler, DefinitionCommandHttpHandler]),
        ...(role === 'command' ? [] : [RegistryQueryHttpHandler, DefinitionQueryHttpHandler]),
        // Writes answer with the entity as read: one controller serves both roles.
        EntityHttpHandler,
        EntityImportHttpHandler,
        ClaimHttpHandler,
        RegistryGrpcHandler,
      ],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: RegistryInfrastructure, useValue: infrastructure },
        { provide: REGISTRY_ITEM_REPOSITORY, useValue: infrastructure.repository },
        { provide: REGISTRY_ITEM_READ_MODEL, useValue: infrastructure.readModel },
        { provide: CLOCK, useClass: SystemClockGateway },
        CreateRegistryItemUseCase,
        GetRegistryItemUseCase,
        ListRegistryItemsUseCase,
        { provide: DEFINITION_REPOSITORY, useValue: infrastructure.definitions },
        { provide: DEFINITION_VERSIONS, useValue: infrastructure.definitions },
        { provide: DEFINITION_READ_MODEL, useValue: infrastructure.definitionList },
        CreateDefinitionUseCase,
        ModifyDefinitionUseCase,
        ValidateDefinitionUseCase,
        ActivateDefinitionUseCase,
        DeactivateDefinitionUseCase,
        DeleteDefinitionUseCase,
        GetDefinitionUseCase,
        ListDefinitionsUseCase,
        ListDefinitionVersionsUseCase,
        { provide: REGISTRY_ENTITY_REPOSITORY, useValue: infrastructure.entities },
        { provide: ENTITY_ID, useClass: UuidV7EntityIdGateway },
        CreateEntityUseCase,
        ImportEntitiesUseCase,
        UpdateEntityUseCase,
        DeleteEntityUseCase,
        EntityActivationUseCase,
        GetEntityUseCase,
        ListEntitiesUseCase,
        InviteEntityUseCase,
        AcceptInvitationUseCase,
        GetEntityHistoryUseCase,
        DescribeEntityTypeUseCase,
        { provide: ENTITY_SEARCH, useValue: infrastructure.entitySearch },
        SearchEntitiesUseCase,
        { provide: CLAIM_REPOSITORY, useValue: infrastructure.claims },
        { provide: CLAIM_READ_MODEL, useValue: infrastructure.claimList },
        RaiseClaimUseCase,
        DecideClaimUseCase,
        GetClaimUseCase,
        ListClaimsUseCase,
        AttestorEntities,
      ],
    };
  }
}
