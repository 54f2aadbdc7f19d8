import { definitionDecider } from '../../src/entity/definition/definition.decider.js';
import type { DefinitionEvent } from '../../src/entity/definition/definition.events.js';
import {
  DefinitionConcurrencyConflictError,
  type DefinitionRepositoryPort,
} from '../../src/use-case/port/definition.repository.port.js';

/** In-memory definition streams with optimistic concurrency, like the real event store (unit tests only). */
export class InMemoryDefinitions implements DefinitionRepositoryPort {
  readonly streams = new Map<string, DefinitionEvent[]>();
  /** Appends made by "another writer" right before the next save, to provoke a conflict. */
  interleave: { id: string; events: DefinitionEvent[] }[] = [];
  saves = 0;

  async load(id: string) {
    const events = this.streams.get(id) ?? [];
    return {
      state: events.reduce(definitionDecider.evolve, definitionDecider.initialState()),
      version: events.length,
    };
  }

  async save(id: string, events: readonly DefinitionEvent[], expected: number) {
    this.saves++;
    const next = this.interleave.shift();
    if (next) this.streams.set(next.id, [...(this.streams.get(next.id) ?? []), ...next.events]);
    const current = this.streams.get(id) ?? [];
    if (current.length !== expected) throw new DefinitionConcurrencyConflictError(id);
    this.streams.set(id, [...current, ...events]);
  }

  types(id: string): string[] {
    return (this.streams.get(id) ?? []).map((event) => event.type);
  }
}
