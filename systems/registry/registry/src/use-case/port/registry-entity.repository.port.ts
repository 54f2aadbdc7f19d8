import type { RegistryEntityEvent } from '../../entity/registry-entity/registry-entity.events.js';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import type { CommandContext } from './command-context.js';

/** An entity stream folded to its state, with the stream version to append at. */
export interface LoadedRegistryEntity {
  readonly state: RegistryEntityState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded: reload and decide again. */
export class RegistryEntityConcurrencyConflictError extends Error {
  readonly code = 'ENTITY.CONCURRENCY_CONFLICT';
  constructor(readonly id: string) {
    super(`entity ${id} was changed concurrently`);
  }
}

/** A `uniqueIndexFields` value is taken by another live entity of the type (409). */
export class UniqueFieldTakenError extends Error {
  readonly code = 'ENTITY.UNIQUE_FIELD_TAKEN';
  constructor(readonly fields: readonly string[]) {
    super(`an entity with the same ${fields.join(', ')} exists already`);
  }
}

/** Event-sourced storage of registry entities (implemented in repository/). */
export interface RegistryEntityRepositoryPort {
  load(id: string): Promise<LoadedRegistryEntity>;
  /** Every event of the entity's stream, oldest first (empty when it never existed). */
  history(id: string): Promise<readonly RegistryEntityEvent[]>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the unique-field claims of the
   * new body (`uniqueIndexFields`) and the integration events (outbox), without private or internal fields.
   * @throws RegistryEntityConcurrencyConflictError when the stream moved on
   * @throws UniqueFieldTakenError when a unique field's value is taken
   */
  save(
    id: string,
    events: readonly RegistryEntityEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void>;
}

export const REGISTRY_ENTITY_REPOSITORY = Symbol('RegistryEntityRepositoryPort');
