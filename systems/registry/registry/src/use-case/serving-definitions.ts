import { definitionIdOf } from '../entity/definition/definition-id.js';
import { compileEntitySchema, osConfigOf } from '../entity/definition/definition-schema.js';
import { definitionShape, type OsConfig } from '../entity/definition/os-config.js';
import { servingVersion, type ExistingDefinition } from '../entity/definition/definition.state.js';
import type { ServingDefinition } from '../entity/registry-entity/registry-entity.decider.js';
import { EntityTypeNotActiveError, EntityTypeNotFoundError } from '../entity/registry-entity/registry-entity.errors.js';
import { loadReferences } from './handle-definition-command.js';
import type { DefinitionRepositoryPort } from './port/definition.repository.port.js';

const MAX_CACHED = 256;

/**
 * The serving version as the decider takes it, with its `_osConfig` and content pointer (who may
 * write), and the definition's state it was read from (`state`: a caller judging an existing entity
 * by it need not load the definition again).
 */
export type ServingType = ServingDefinition & {
  readonly config: OsConfig;
  readonly contentPointer: string;
  readonly state: ExistingDefinition;
};

/**
 * The definition version serving an entity type, with its compiled validator. Validators are
 * cached per (definition id, version) — a version never changes once written — so the cost of
 * compiling (milliseconds) is paid once per version and process.
 */
export class ServingDefinitions {
  private readonly validators = new Map<string, ServingDefinition['validator']>();

  constructor(private readonly definitions: DefinitionRepositoryPort) {}

  /**
   * @param type the entity type as written in the path (any case/normalisation form of the title)
   * @throws EntityTypeNotFoundError (404) when no definition has that title
   * @throws EntityTypeNotActiveError (409) when its definition serves no version
   */
  async forType(type: string): Promise<ServingType> {
    const { title, definitionId, version, schema, state } = await this.serving(type);
    const key = `${definitionId}@${version}`;
    let validator = this.validators.get(key);
    if (!validator) {
      validator = compileEntitySchema(schema, await loadReferences(this.definitions, schema));
      if (this.validators.size >= MAX_CACHED) this.validators.delete(this.validators.keys().next().value!);
      this.validators.set(key, validator);
    }
    return {
      type: title,
      definitionId,
      definitionVersion: version,
      validator,
      config: osConfigOf(schema),
      contentPointer: definitionShape(schema).contentPointer,
      state,
    };
  }

  /**
   * The serving version's schema document (what a bulk import types CSV cells by).
   * @throws EntityTypeNotFoundError (404), EntityTypeNotActiveError (409), as {@link forType}
   */
  async schemaOf(type: string): Promise<{ readonly type: string; readonly schema: object }> {
    const { title, schema } = await this.serving(type);
    return { type: title, schema };
  }

  /** The definition serving `type` now. @throws EntityTypeNotFoundError, EntityTypeNotActiveError */
  private async serving(type: string) {
    const definitionId = definitionIdOf(type);
    const { state } = await this.definitions.load(definitionId);
    if (state.status === 'absent') throw new EntityTypeNotFoundError(type);
    const serving = servingVersion(state);
    if (!serving) throw new EntityTypeNotActiveError(state.title, state.status);
    return { title: state.title, definitionId, version: serving.version, schema: serving.schema, state };
  }
}
