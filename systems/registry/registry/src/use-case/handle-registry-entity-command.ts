import {
  registryEntityDecider,
  type RegistryEntityCommand,
} from '../entity/registry-entity/registry-entity.decider.js';
import { canonicalTitle } from '../entity/definition/definition-id.js';
import type { RegistryEntityState } from '../entity/registry-entity/registry-entity.state.js';
import type { CommandContext } from './port/command-context.js';
import {
  RegistryEntityConcurrencyConflictError,
  type RegistryEntityRepositoryPort,
} from './port/registry-entity.repository.port.js';

const MAX_ATTEMPTS = 5;

/**
 * `state` when it is a live (not deleted) entity of `type`, else undefined. The type in a path may be
 * spelt in another case or Unicode form than the stored title, so titles are compared canonically.
 */
export function liveEntityOfType(
  state: RegistryEntityState,
  type: string,
): Exclude<RegistryEntityState, { status: 'absent' | 'deleted' }> | undefined {
  return state.status !== 'absent' && state.status !== 'deleted' && canonicalTitle(state.type) === canonicalTitle(type)
    ? state
    : undefined;
}

/**
 * Load → decide → save for one entity command, retried on a concurrent append (decided again on
 * fresh state: an If-Match version then fails as it should). `build` makes the command per attempt
 * from the state just loaded (who may write is decided on it).
 * @returns the state after the command. Domain errors propagate unchanged.
 */
export async function handleRegistryEntityCommand(
  repository: RegistryEntityRepositoryPort,
  id: string,
  build: (state: RegistryEntityState) => Promise<RegistryEntityCommand>,
  context: CommandContext,
): Promise<RegistryEntityState> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await repository.load(id);
    const events = registryEntityDecider.decide(await build(state), state);
    if (events.length === 0) return state;
    try {
      await repository.save(id, events, version, context);
      return events.reduce(registryEntityDecider.evolve, state);
    } catch (error) {
      if (!(error instanceof RegistryEntityConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
