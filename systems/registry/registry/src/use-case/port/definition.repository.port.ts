import type { DefinitionEvent } from '../../entity/definition/definition.events.js';
import type { DefinitionState } from '../../entity/definition/definition.state.js';
import type { CommandContext } from './command-context.js';

/** A definition stream folded to its state, with the stream version to append at. */
export interface LoadedDefinition {
  readonly state: DefinitionState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the stream since it was loaded: reload and decide again. */
export class DefinitionConcurrencyConflictError extends Error {
  readonly code = 'DEFINITION.CONCURRENCY_CONFLICT';
  constructor(readonly id: string) {
    super(`definition ${id} was changed concurrently`);
  }
}

/** Event-sourced storage of definitions (implemented in repository/ on the platform event store). */
export interface DefinitionRepositoryPort {
  load(id: string): Promise<LoadedDefinition>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events they
   * imply (outbox: `DefinitionActivatedV1`).
   * @throws DefinitionConcurrencyConflictError when the stream moved on
   */
  save(id: string, events: readonly DefinitionEvent[], expectedVersion: number, context: CommandContext): Promise<void>;
}

export const DEFINITION_REPOSITORY = Symbol('DefinitionRepositoryPort');
