import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ownerIdentities } from '../../entity/registry-entity/field-access.js';
import { isJsonObject } from '../../entity/registry-entity/json-merge-patch.js';
import {
  EntityInviteForbiddenError,
  EntityInviteUnauthenticatedError,
  InviteeEmailRequiredError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { handleRegistryEntityCommand } from '../handle-registry-entity-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ENTITY_ID, type EntityIdPort } from '../port/entity-id.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { ServingDefinitions } from '../serving-definitions.js';
import { InviteEntityCommand } from './invite-entity.command.js';

/**
 * Invites someone into an active type (Sunbird RC's invite): allowed to a holder of a role in the
 * type's `_osConfig.inviteRoles` or `admin`; `anonymous` in `inviteRoles` lets anyone, even without
 * a token (self-registration). The entity is validated like a create, starts `invited` and is owned
 * by whoever its `ownershipAttributes` name; it must name an e-mail there (the invitation goes to
 * it: `EntityInvitedV1`). It becomes `active` when its owner first reads it ({@link AcceptInvitationUseCase}).
 * @throws EntityTypeNotFoundError (404), EntityTypeNotActiveError (409), EntityInviteUnauthenticatedError
 *   (401, without a token), EntityInviteForbiddenError (403), InviteeEmailRequiredError (400), EntityValidationError (400),
 *   UniqueFieldTakenError (409)
 */
@CommandHandler(InviteEntityCommand)
export class InviteEntityUseCase implements ICommandHandler<InviteEntityCommand, RegistryEntityState> {
  private readonly serving: ServingDefinitions;

  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
    @Inject(ENTITY_ID) private readonly ids: EntityIdPort,
  ) {
    this.serving = new ServingDefinitions(definitions);
  }

  async execute({ type, body, inviter, context }: InviteEntityCommand): Promise<RegistryEntityState> {
    const { state: _definitionState, ...definition } = await this.serving.forType(type);
    const { config, contentPointer } = definition;
    const allowed =
      config.inviteRoles.includes('anonymous') ||
      (inviter.authenticated && [...config.inviteRoles, 'admin'].some((r) => inviter.roles.includes(r)));
    if (!allowed && !inviter.authenticated) throw new EntityInviteUnauthenticatedError(definition.type);
    if (!allowed) throw new EntityInviteForbiddenError(definition.type);
    if (isJsonObject(body)) {
      const { emails } = ownerIdentities(body, config, contentPointer);
      if (!emails.some((e) => e.includes('@'))) throw new InviteeEmailRequiredError(definition.type);
    }
    const id = this.ids.next();
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async () => ({
        type: 'InviteEntity',
        data: {
          id,
          body,
          definition,
          now: new Date().toISOString(),
          by: inviter.authenticated ? inviter.id : 'anonymous',
        },
      }),
      context,
    );
  }
}
