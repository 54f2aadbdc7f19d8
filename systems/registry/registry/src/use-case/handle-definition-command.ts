import { definitionIdOf } from '../entity/definition/definition-id.js';
import { definitionDecider, type DefinitionCommand } from '../entity/definition/definition.decider.js';
import {
  crossReferenceStems,
  type DefinitionDocument,
  type DefinitionReferences,
} from '../entity/definition/definition-schema.js';
import { servingVersion, type DefinitionState } from '../entity/definition/definition.state.js';
import type { CommandContext } from './port/command-context.js';
import {
  DefinitionConcurrencyConflictError,
  type DefinitionRepositoryPort,
} from './port/definition.repository.port.js';

const MAX_ATTEMPTS = 5;

/**
 * Load → decide → save for one definition command, retried when another writer appended first
 * (optimistic concurrency: a conflicting append is decided again on fresh state, never lost).
 * `build` makes the command from the loaded state (so references can be looked up for it).
 * @returns the state after the command and the stream version. Domain errors propagate unchanged.
 */
export async function handleDefinitionCommand(
  repository: DefinitionRepositoryPort,
  id: string,
  build: (state: DefinitionState) => Promise<DefinitionCommand>,
  context: CommandContext,
): Promise<{ state: DefinitionState; version: number }> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await repository.load(id);
    const events = definitionDecider.decide(await build(state), state);
    try {
      await repository.save(id, events, version, context);
      return { state: events.reduce(definitionDecider.evolve, state), version: version + events.length };
    } catch (error) {
      if (!(error instanceof DefinitionConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * The definitions a schema's cross-document `$ref`s name, by file stem, each at its serving
 * version (or its latest, while it never served): a stem with no definition is left out, and
 * validation then reports it.
 */
export async function loadReferences(
  repository: DefinitionRepositoryPort,
  schema: DefinitionDocument,
): Promise<DefinitionReferences> {
  const references: Record<string, DefinitionDocument> = {};
  for (const stem of crossReferenceStems(schema)) {
    const { state } = await repository.load(definitionIdOf(stem));
    if (state.status === 'absent' || state.status === 'markedForDeletion') continue;
    references[stem] = servingVersion(state)?.schema ?? state.schema;
  }
  return references;
}
