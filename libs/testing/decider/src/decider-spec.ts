import type { Decider } from '@archipelago/util-decider';
import { expect } from 'vitest';

/**
 * Given/when/then for deciders: `given(past events).when(command).then(expected events)` or
 * `.thenThrows(ErrorClass)`. Asserts on what `decide` returns for the state folded from `given`.
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: readonly E[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: readonly E[]): void {
              expect(run()).toEqual(expected);
            },
            thenThrows(errorType: abstract new (...args: never[]) => Error, check?: (error: Error) => void): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(errorType);
              check?.(thrown as Error);
            },
          };
        },
      };
    },
  };
}
