import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { definitionShape } from '../../entity/definition/os-config.js';
import {
  assertMayReadWithoutToken,
  discloseEntity,
  relationTo,
  type EntityRelation,
} from '../../entity/registry-entity/field-access.js';
import type { OsConfig } from '../../entity/definition/os-config.js';
import type { JsonObject } from '../../entity/registry-entity/json-merge-patch.js';
import { EntityNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import type { AttestationState } from '../../entity/registry-entity/registry-entity.events.js';
import { rulesDocument, type ExistingDefinition } from '../../entity/definition/definition.state.js';
import type { RegistryEntityState, RegistryEntityStatus } from '../../entity/registry-entity/registry-entity.state.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { GetEntityQuery, type EntityReader } from './get-entity.query.js';

/** An entity as one reader may see it. `version` is the ETag value. */
export interface EntityView {
  readonly id: string;
  readonly type: string;
  readonly status: RegistryEntityStatus;
  readonly version: number;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly body: JsonObject;
  /** Per attestation policy requested at least once: PENDING, ATTESTED, REJECTED or NEEDS_REATTESTATION. */
  readonly _osState: Readonly<Record<string, AttestationState>>;
  /** Per policy ever attested: the attested values, frozen (the body restricted to its properties). */
  readonly _osAttestedData: Readonly<Record<string, JsonObject>>;
}

/** An entity that exists and is not deleted. */
type LiveEntity = Exclude<RegistryEntityState, { status: 'absent' }>;

/** What a reader is to an entity, and the entity as they may see it. */
export interface ReaderAccess {
  readonly owner: boolean;
  readonly manager: boolean;
  readonly view: EntityView;
}

/**
 * The entity as `reader` may see it, or `undefined` when they may not see it at all: owners
 * (`ownershipAttributes` naming the reader's user id, or their e-mail case-insensitively) and
 * managers (a role in the type's `_osConfig.roles`, or `admin`) may. Private fields go to owners and
 * managers, internal fields to managers only (field-access.ts). The `_osConfig` is the one of the
 * version the body was validated against (the active one, or the latest while a revision is pending).
 */
export function accessOf(
  state: LiveEntity,
  definition: ExistingDefinition,
  reader: EntityReader,
): ReaderAccess | undefined {
  const { config, contentPointer, owner, manager } = relationOf(state, definition, reader);
  if (!manager && !owner) return undefined;
  const view: EntityView = {
    id: state.id,
    type: state.type,
    status: state.status,
    version: state.version,
    definitionId: state.definitionId,
    definitionVersion: state.definitionVersion,
    body: discloseEntity(state.body, config, contentPointer, { purpose: 'read', owner, manager }),
    _osState: Object.fromEntries(Object.entries(state.attestations ?? {}).map(([p, a]) => [p, a.state])),
    _osAttestedData: Object.fromEntries(
      Object.entries(state.attestations ?? {}).flatMap(([p, a]) => (a.attestedData ? [[p, a.attestedData]] : [])),
    ),
  };
  return { owner, manager, view };
}

/**
 * What `caller` is to the entity ({@link relationTo}: the one rule for reads and writes), judged by
 * the `_osConfig` in force ({@link rulesDocument}: the active version's, never a pending draft's),
 * which is returned along.
 */
export function relationOf(
  state: LiveEntity,
  definition: ExistingDefinition,
  caller: EntityReader,
): EntityRelation & { readonly config: OsConfig; readonly contentPointer: string } {
  const document = rulesDocument(definition);
  // The active version's rules, so a field it makes private is private for earlier entities too.
  const config = osConfigOf(document);
  const contentPointer = definitionShape(document).contentPointer;
  return { config, contentPointer, ...relationTo(state.body, config, contentPointer, caller) };
}

/**
 * Reads an entity for its owner or a manager ({@link accessOf}); anyone else, a deleted entity and
 * another type's entity get 404 (existence is not disclosed). Without a token, a public type's
 * entities only (`anonymous` in `_osConfig.roles`); 401 for any other type.
 * @throws EntityReadUnauthenticatedError (401), EntityNotFoundError (404)
 */
@QueryHandler(GetEntityQuery)
export class GetEntityUseCase implements IQueryHandler<GetEntityQuery, EntityView> {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
  ) {}

  async execute({ type, id, reader }: GetEntityQuery): Promise<EntityView> {
    if (reader.authenticated === false) {
      // Without a token only a public type answers (401 otherwise, before anything is disclosed).
      const { state: definition } = await this.definitions.load(definitionIdOf(type));
      const config = definition.status === 'absent' ? undefined : osConfigOf(rulesDocument(definition));
      assertMayReadWithoutToken(config, reader, type);
    }
    const { state } = await this.entities.load(id);
    if (state.status === 'absent' || state.status === 'deleted' || state.definitionId !== definitionIdOf(type)) {
      throw new EntityNotFoundError(type, id);
    }
    const { state: definition } = await this.definitions.load(state.definitionId);
    if (definition.status === 'absent') throw new EntityNotFoundError(type, id);
    const access = accessOf(state, definition, reader);
    if (!access) throw new EntityNotFoundError(type, id);
    return access.view;
  }
}
