import { registryEntityDecider } from '../../src/entity/registry-entity/registry-entity.decider.js';
import type { RegistryEntityEvent } from '../../src/entity/registry-entity/registry-entity.events.js';
import {
  RegistryEntityConcurrencyConflictError,
  type RegistryEntityRepositoryPort,
} from '../../src/use-case/port/registry-entity.repository.port.js';

/** In-memory entity streams with optimistic concurrency, like the real event store (unit tests only). */
export class InMemoryRegistryEntities implements RegistryEntityRepositoryPort {
  readonly streams = new Map<string, RegistryEntityEvent[]>();
  /** Appends made by "another writer" right before the next save, to provoke a conflict. */
  interleave: { id: string; events: RegistryEntityEvent[] }[] = [];
  saves = 0;

  async load(id: string) {
    const events = this.streams.get(id) ?? [];
    return {
      state: events.reduce(registryEntityDecider.evolve, registryEntityDecider.initialState()),
      version: events.length,
    };
  }

  async history(id: string) {
    return [...(this.streams.get(id) ?? [])];
  }

  async save(id: string, events: readonly RegistryEntityEvent[], expected: number) {
    this.saves++;
    const next = this.interleave.shift();
    if (next) this.streams.set(next.id, [...(this.streams.get(next.id) ?? []), ...next.events]);
    const current = this.streams.get(id) ?? [];
    if (current.length !== expected) throw new RegistryEntityConcurrencyConflictError(id);
    this.streams.set(id, [...current, ...events]);
  }
}
