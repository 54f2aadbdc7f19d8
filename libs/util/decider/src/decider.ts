/**
 * The domain contract of an event-sourced aggregate, framework-free (pattern from Emmett / J. Chassaing):
 * `decide(command, state)` returns the events a command produces (or throws a domain error),
 * `evolve(state, event)` folds one event into the state, `initialState()` is the state of an empty stream.
 * `decide` must be deterministic: time and outside look-ups arrive inside the command.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** A domain event or command as a plain typed record `{ type, data }`. */
export interface TypedRecord<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** Folds `events` over the decider's initial state. */
export function fold<C, E, S>(decider: Decider<C, E, S>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/**
 * Base class of domain errors: a broken business rule with a stable machine code
 * (for example `PRODUCT.INSUFFICIENT_STOCK`). Handlers map codes to HTTP/gRPC statuses.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
